import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceUnavailableError } from '../domain/errors';
import { optionalEnv } from '../config';
import { clientConfig } from './time-budget';

/** The portal cookie's secrets: the current one signs; the previous one, during a rotation, still opens. */
export interface SessionSecrets {
  current: string;
  previous?: string;
}

/**
 * Where the cookie secrets come from: `SESSION_SECRET` (and `SESSION_SECRET_PREVIOUS`) locally, or
 * Secrets Manager (`SESSION_SECRET_ARN`, versions AWSCURRENT and AWSPREVIOUS) in AWS. Read on first
 * use inside a request, never at module load: a failure answers that request 503 and is tried
 * again on the next one (the failed attempt is not cached); a success is kept for
 * `SECRET_REFRESH_MS`, then read again — so a rotation reaches every warm instance within that
 * time — and a failed refresh goes on with what it had.
 */
/** How long a warm instance keeps the secrets before reading them again. */
export const SECRET_REFRESH_MS = 5 * 60_000;

export function sessionSecrets(now: () => number = Date.now): () => Promise<SessionSecrets> {
  const direct = optionalEnv('SESSION_SECRET');
  const directPrevious = optionalEnv('SESSION_SECRET_PREVIOUS');
  const arn = optionalEnv('SESSION_SECRET_ARN');
  const client = arn ? new SecretsManagerClient(clientConfig('secrets')) : undefined;
  let cached: SessionSecrets | undefined;
  let readAt = 0;
  const version = async (stage: 'AWSCURRENT' | 'AWSPREVIOUS') => {
    try {
      return (await client!.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }))).SecretString;
    } catch (error) {
      if (stage === 'AWSPREVIOUS' && error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  };
  return async () => {
    if (direct) return { current: direct, previous: directPrevious };
    if (cached && now() - readAt < SECRET_REFRESH_MS) return cached;
    if (!arn) throw new ServiceUnavailableError('secrets_unavailable', 'The sign-in secret is not configured; the portal cannot sign anyone in.');
    try {
      const [current, previous] = await Promise.all([version('AWSCURRENT'), version('AWSPREVIOUS')]);
      if (!current) throw new Error('The session secret is empty.');
      readAt = now();
      return (cached = { current, previous });
    } catch (error) {
      if (cached) {
        // Keep serving what we had; ask again in a minute rather than on every request.
        readAt = now() - SECRET_REFRESH_MS + 60_000;
        return cached;
      }
      throw new ServiceUnavailableError('secrets_unavailable', `The portal cannot read its sign-in secret right now (${(error as Error).name ?? 'error'}); nothing was changed. Try again in a moment.`);
    }
  };
}
