import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SECRET_REFRESH_MS, sessionSecrets } from '../../shared/adapters/secrets';
import { ServiceUnavailableError } from '../../shared/domain/errors';
import { CookieSealer } from '../../shared/http/signed-cookie';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:PortalSessionSecret-abc';
const CURRENT = 'c'.repeat(64);
const PREVIOUS = 'p'.repeat(64);

describe('the portal cookie secret, read lazily', () => {
  const mock = mockClient(SecretsManagerClient);
  const env = { ...process.env };
  beforeEach(() => {
    mock.reset();
    delete process.env.SESSION_SECRET;
    process.env.SESSION_SECRET_ARN = ARN;
  });
  afterAll(() => {
    process.env = env;
  });

  test('nothing is read until a request needs it; both versions are asked for exactly as Secrets Manager expects', async () => {
    mock.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: CURRENT });
    mock.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: PREVIOUS });
    const secrets = sessionSecrets();
    expect(mock.calls()).toHaveLength(0);
    expect(await secrets()).toEqual({ current: CURRENT, previous: PREVIOUS });
    expect(await secrets()).toEqual({ current: CURRENT, previous: PREVIOUS });
    expect(mock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: ARN, VersionStage: 'AWSCURRENT' },
      { SecretId: ARN, VersionStage: 'AWSPREVIOUS' },
    ]);
  });

  test('a failure answers 503 and is not cached: the next request tries again', async () => {
    mock.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: CURRENT });
    const secrets = sessionSecrets();
    await expect(secrets()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(secrets()).resolves.toMatchObject({ current: CURRENT });
  });

  test('a rotation reaches a warm instance once the cache ages out; a failed refresh keeps what it had', async () => {
    let t = 0;
    mock.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' }).resolvesOnce({ SecretString: PREVIOUS }).resolves({ SecretString: CURRENT });
    mock.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: PREVIOUS });
    const secrets = sessionSecrets(() => t);
    expect((await secrets()).current).toBe(PREVIOUS);
    t = SECRET_REFRESH_MS - 1;
    expect((await secrets()).current).toBe(PREVIOUS);
    t = SECRET_REFRESH_MS;
    expect(await secrets()).toEqual({ current: CURRENT, previous: PREVIOUS });
    mock.on(GetSecretValueCommand).rejects(new Error('throttled'));
    t = 3 * SECRET_REFRESH_MS;
    expect((await secrets()).current).toBe(CURRENT);
  });

  test('no previous version yet is fine', async () => {
    mock.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: CURRENT });
    mock.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPREVIOUS' }).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    expect(await sessionSecrets()()).toEqual({ current: CURRENT, previous: undefined });
  });

  test('after a rotation, cookies and CSRF tokens signed with the previous secret still open; new ones use the current', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const before = new CookieSealer(PREVIOUS, true);
    const cookie = before.seal({ sid: 's1', email: 'a@o.test' }, 60, now);
    const csrf = before.csrfToken('s1');
    const after = new CookieSealer(CURRENT, true, PREVIOUS);
    expect(after.open<{ sid: string }>(cookie, now)?.sid).toBe('s1');
    expect(after.checkCsrf('s1', csrf)).toBe(true);
    expect(new CookieSealer(CURRENT, true).open(cookie, now)).toBeUndefined();
    expect(before.open(after.seal({ sid: 's2' }, 60, now), now)).toBeUndefined();
  });
});
