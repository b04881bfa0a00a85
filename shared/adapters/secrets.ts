import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { optionalEnv, requireEnv } from '../config';

let cached: Promise<string> | undefined;

/**
 * The portal's cookie-signing secret: `SESSION_SECRET` locally, or read once per cold start
 * from Secrets Manager (`SESSION_SECRET_ARN`) in AWS.
 */
export function sessionSecret(): Promise<string> {
  cached ??= (async () => {
    const direct = optionalEnv('SESSION_SECRET');
    if (direct) return direct;
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: requireEnv('SESSION_SECRET_ARN') }));
    if (!out.SecretString) throw new Error('The session secret is empty.');
    return out.SecretString;
  })();
  return cached;
}
