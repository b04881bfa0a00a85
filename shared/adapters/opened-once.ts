import { canonicalJson } from '../domain/audit';
import type { SecretBox } from '../ports/webhooks';

/**
 * Opens each sealed secret once per container (the sender signs many deliveries with one secret;
 * KMS Decrypt on every attempt would be a round trip and a charge each). At most `max` kept.
 */
export function openedOnce(box: SecretBox, max = 100): SecretBox {
  const opened = new Map<string, Promise<string>>();
  return {
    seal: (plaintext, context) => box.seal(plaintext, context),
    open: (sealed, context) => {
      const key = `${canonicalJson(context)}|${sealed}`;
      let secret = opened.get(key);
      if (!secret) {
        if (opened.size >= max) opened.delete(opened.keys().next().value!);
        secret = box.open(sealed, context);
        // A failure is not kept: the next attempt asks again.
        secret.catch(() => opened.delete(key));
        opened.set(key, secret);
      }
      return secret;
    },
  };
}
