import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { grantMetrics } from '../../shared/adapters/metrics';
import { S3AuditArchive } from '../../shared/adapters/s3-audit-archive';
import { auditArchiveFromEnv } from '../../shared/adapters/audit-archive-env';
import { orgIdFor } from '../../shared/domain/org-provisioning';
import { authorizeIam, LOCAL_PLATFORM_ADMIN } from '../../infra/local/iam-authorizer';
import { signRequest } from '../../infra/admin/sigv4';

describe('org provisioning', () => {
  test('org ids are a readable slug of the name and a random tail, safe in keys', () => {
    expect(orgIdFor('Acme & Sons, Ltd.', '01jx0000000000000000abc123')).toBe('acme-sons-ltd-abc123');
    expect(orgIdFor('日本', '01JX00000000000000000ZZZZZZ')).toBe('org-zzzzzz');
    expect(orgIdFor('A'.repeat(50), 'tail99')).toMatch(/^a{30}-tail99$/);
  });
});

describe('grant metrics read from the stream', () => {
  const grant = { type: 'grant', status: 'active', expiresAt: '2026-01-01T00:00:00.000Z' };
  test('created, ended, and the lag of an expiry', () => {
    expect(grantMetrics('INSERT', undefined, grant)).toEqual([{ name: 'GrantsCreated', value: 1, unit: 'count' }]);
    expect(grantMetrics('MODIFY', grant, { ...grant, status: 'revoked', endedAt: '2025-12-31T00:00:00.000Z' })).toEqual([{ name: 'GrantsEnded', value: 1, unit: 'count' }]);
    expect(grantMetrics('MODIFY', grant, { ...grant, status: 'expired', endedAt: '2026-01-01T00:00:02.500Z' })).toEqual([
      { name: 'GrantsEnded', value: 1, unit: 'count' },
      { name: 'ExpiryLagSeconds', value: 2.5, unit: 'seconds' },
    ]);
  });
  test('other changes count nothing', () => {
    expect(grantMetrics('MODIFY', grant, { ...grant, expiresAt: '2026-02-01T00:00:00.000Z' })).toEqual([]);
    expect(grantMetrics('INSERT', undefined, { type: 'case' })).toEqual([]);
    expect(grantMetrics('MODIFY', { ...grant, status: 'expired' }, { ...grant, status: 'expired' })).toEqual([]);
  });
});

describe('the S3 audit archive adapter', () => {
  const mock = mockClient(S3Client);
  beforeEach(() => mock.reset());
  test('puts the export once, never overwriting, with the checksum Object Lock requires', async () => {
    mock.on(PutObjectCommand).resolves({});
    const location = await new S3AuditArchive(new S3Client({ region: 'eu-west-1' }), 'archive-bucket').put('audit/org-1/2026.json', '{"events":[]}');
    expect(location).toBe('s3://archive-bucket/audit/org-1/2026.json');
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'archive-bucket',
      Key: 'audit/org-1/2026.json',
      Body: '{"events":[]}',
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
      IfNoneMatch: '*',
    });
  });

  test('with AUDIT_ARCHIVE_BUCKET, the first put loads the S3 adapters by name (#s3-adapters, bundled apart) and writes to that bucket', async () => {
    // Prepare
    process.env.AUDIT_ARCHIVE_BUCKET = 'stage-archive';
    mock.on(PutObjectCommand).resolves({});
    const archive = auditArchiveFromEnv();
    delete process.env.AUDIT_ARCHIVE_BUCKET;
    expect(mock.commandCalls(PutObjectCommand)).toHaveLength(0);

    // Act
    const location = await archive.put('audit/org-2/2026.json', '{"events":[]}');

    // Assess
    expect(location).toBe('s3://stage-archive/audit/org-2/2026.json');
    expect(mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Bucket)).toEqual(['stage-archive']);
  });
});

describe('the local IAM authorizer (SigV4, as API Gateway checks it)', () => {
  const url = new URL('http://localhost:4000/admin/orgs?x=1');
  const body = '{"plan":"paid"}';
  const signed = (credentials = LOCAL_PLATFORM_ADMIN, date?: Date) => signRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body }, credentials, 'us-east-1', date);
  const check = async (headers: Record<string, string>, sentBody = body, now = new Date()) => authorizeIam({ method: 'POST', url, headers, body: Buffer.from(sentBody) }, now);

  test('accepts a request signed with the local admin key, naming the caller', async () => {
    expect(await check(await signed())).toMatchObject({ ok: true, iam: { userArn: LOCAL_PLATFORM_ADMIN.userArn } });
  });
  test('refuses a missing, foreign, wrong, stale or tampered signature', async () => {
    expect(await check({})).toEqual({ ok: false, message: 'Missing Authentication Token' });
    expect((await check(await signed({ ...LOCAL_PLATFORM_ADMIN, accessKeyId: 'AKIAOTHER' }))).ok).toBe(false);
    expect((await check(await signed({ ...LOCAL_PLATFORM_ADMIN, secretAccessKey: 'wrong' }))).ok).toBe(false);
    expect((await check(await signed(LOCAL_PLATFORM_ADMIN, new Date(Date.now() - 6 * 60_000)))).ok).toBe(false);
    expect((await check(await signed(), '{"plan":"free"}')).ok).toBe(false);
    const headers = await signed();
    expect((await check({ ...headers, 'content-type': 'text/plain' })).ok).toBe(false);
  });
});
