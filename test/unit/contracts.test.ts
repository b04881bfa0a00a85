import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CONTRACTS } from '../../shared/contracts';
import type { Contract } from '../../shared/contracts/contract';
import { ValidationError } from '../../shared/domain/errors';
import { contractRequest } from '../../shared/http/contract-request';
import { ROUTES, routeKeyOf } from '../../shared/http/routes';
import { checkResponse } from '../support/contract';

type Key = keyof typeof CONTRACTS;

/** An API Gateway event for a route, with a JSON (or form) body, a query and path parameters. */
function eventOf(key: Key, parts: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {}): APIGatewayProxyEventV2 {
  const form = (CONTRACTS[key] as Contract).bodyMedia === 'application/x-www-form-urlencoded';
  return {
    routeKey: key,
    pathParameters: parts.params,
    queryStringParameters: parts.query,
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: parts.body === undefined ? undefined : form ? new URLSearchParams(parts.body as Record<string, string>).toString() : JSON.stringify(parts.body),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

const parse = (key: Key, parts: Parameters<typeof eventOf>[1] = {}) => contractRequest(CONTRACTS[key] as Contract, eventOf(key, parts));

/** The ValidationError a request gets, or a failure naming what happened instead. */
function refusal(key: Key, parts: Parameters<typeof eventOf>[1]): ValidationError {
  try {
    parse(key, parts);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`${key} accepted ${JSON.stringify(parts)}`);
}

const CASE = { orgId: 'o1', caseId: 'c1' };

describe('every JSON API route has a contract, and every contract a route', () => {
  const apiRoutes = ROUTES.filter((r) => ['support-api', 'product-api', 'admin-api'].includes(r.fn)).map(routeKeyOf);

  test('the route table and the contracts name the same operations', () => {
    expect(Object.keys(CONTRACTS).sort()).toEqual([...apiRoutes].sort());
  });

  test.each(Object.entries(CONTRACTS))('%s: its example request and response hold to its schemas', (_key, contract: Contract) => {
    if (contract.example.request !== undefined) expect(contract.body!.safeParse(contract.example.request).error).toBeUndefined();
    const answer = contract.responses()[contract.example.status];
    expect(answer).toBeDefined();
    expect(answer!.schema.safeParse(contract.example.response).error).toBeUndefined();
  });

  test.each(Object.entries(CONTRACTS))('%s: each path parameter of its route is in its contract', (key, contract: Contract) => {
    const named = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    expect(Object.keys(contract.params?.shape ?? {}).sort()).toEqual(named.sort());
  });
});

describe('requests are held to their contracts', () => {
  test('an unknown body field is a 400 naming it: activate takes justification, and reason is refused, not dropped', () => {
    const refused = refusal('POST /support/orgs/{orgId}/cases/{caseId}/activate', { params: CASE, body: { reason: 'Look at the export' } });
    expect(refused).toMatchObject({ field: 'reason', code: 'unknown_field', message: 'Unknown field "reason": this operation does not take it.' });
    expect(parse('POST /support/orgs/{orgId}/cases/{caseId}/activate', { params: CASE, body: { justification: '  Look at the export ' } }).body).toEqual({ justification: 'Look at the export' });
    expect(parse('POST /support/orgs/{orgId}/cases/{caseId}/activate', { params: CASE }).body).toEqual({ justification: '' });
  });

  test('an unknown query parameter is refused too, on a route that takes a query and on one that takes none', () => {
    expect(refusal('GET /support/orgs/{orgId}/access', { params: { orgId: 'o1' }, query: { level: 'manage', lvl: 'x' } })).toMatchObject({ field: 'lvl', code: 'unknown_field' });
    expect(refusal('GET /support/orgs/{orgId}/cases/{caseId}', { params: CASE, query: { debug: '1' } })).toMatchObject({ field: 'debug', code: 'unknown_field' });
  });

  test('every field at fault is named, the first as field', () => {
    const refused = refusal('POST /support/orgs/{orgId}/cases', { params: { orgId: 'o1' }, body: { subject: '', contactEmail: 'nobody' } });
    expect(refused.field).toBe('subject');
    expect(Object.keys(refused.fields).sort()).toEqual(['contactEmail', 'subject']);
    expect(refused.code).toBe('invalid_input');
  });

  test.each([
    ['no justification', 'POST /support/orgs/{orgId}/cases/{caseId}/access-requests', { params: CASE, body: {} }, 'justification', 'A justification (why support needs access) is required.'],
    ['a blank justification', 'POST /support/orgs/{orgId}/cases/{caseId}/access-requests', { params: CASE, body: { justification: '   ' } }, 'justification', 'A justification (why support needs access) is required.'],
    ['a justification with a line break', 'POST /support/orgs/{orgId}/cases/{caseId}/access-requests', { params: CASE, body: { justification: 'a\nb' } }, 'justification', 'A justification (why support needs access) must be a single line without control characters.'],
    ['a change with no description', 'POST /support/orgs/{orgId}/cases/{caseId}/change-requests', { params: CASE, body: { grantId: 'g1', until: '2026-01-01T09:00:00Z' } }, 'description', 'A description of the change is required.'],
    ['a change with no grant', 'POST /support/orgs/{orgId}/cases/{caseId}/change-requests', { params: CASE, body: { description: 'x', until: '2026-01-01T09:00:00Z' } }, 'grantId', 'grantId is required.'],
    ['until without a zone', 'POST /support/orgs/{orgId}/cases/{caseId}/change-requests', { params: CASE, body: { description: 'x', grantId: 'g1', until: '2026-01-01T09:00:00' } }, 'until', 'until must be an ISO 8601 time with a zone (e.g. 2026-11-27T17:00:00Z).'],
    ['a session with no justification', 'POST /support/orgs/{orgId}/grants/{grantId}/sessions', { params: { orgId: 'o1', grantId: 'g1' }, body: {} }, 'justification', 'A justification (say why you need to log in) is required.'],
    ['a scope that is a number', 'POST /support/orgs/{orgId}/grants/{grantId}/sessions', { params: { orgId: 'o1', grantId: 'g1' }, body: { justification: 'x', scope: 42 } }, 'scope', 'scope must be a space-separated string or a list of scopes, e.g. "read write".'],
    ['a colleague that is no email', 'POST /support/orgs/{orgId}/grants/{grantId}/personnel', { params: { orgId: 'o1', grantId: 'g1' }, body: { email: 'not an email' } }, 'email', 'email (the colleague to add) must be an email address.'],
    ['no level', 'GET /support/orgs/{orgId}/access', { params: { orgId: 'o1' }, query: {} }, 'level', 'level is required: one of monitor, manage, admin.'],
    ['a level that is none of them', 'GET /support/orgs/{orgId}/access', { params: { orgId: 'o1' }, query: { level: 'root' } }, 'level', 'level must be one of monitor, manage, admin.'],
    ['an unknown environment', 'GET /support/orgs/{orgId}/access', { params: { orgId: 'o1' }, query: { level: 'manage', environment: 'staging' } }, 'environment', 'environment must be one of production, sandbox.'],
    ['a page of 0', 'GET /support/orgs/{orgId}/cases', { params: { orgId: 'o1' }, query: { limit: '0' } }, 'limit', 'limit must be from 1 to 100.'],
    ['a page size in hex', 'GET /support/orgs/{orgId}/cases', { params: { orgId: 'o1' }, query: { limit: '0x10' } }, 'limit', 'limit must be a plain decimal number like 2 or 0.5, not "0x10".'],
    ['listing revoked grants', 'GET /support/orgs/{orgId}/grants', { params: { orgId: 'o1' }, query: { status: 'revoked' } }, 'status', 'Only status=active can be listed.'],
    ['an activity at a time that is no time', 'POST /activity', { body: { token: 't', action: 'a', resource: 'r', at: 'yesterday' } }, 'at', 'at must be an ISO 8601 time with a zone (e.g. 2026-11-27T17:00:00Z).'],
    ['an activity with no token', 'POST /activity', { body: { action: 'a', resource: 'r' } }, 'token', 'token is required: the session token support used.'],
    ['a path parameter of 201 characters', 'GET /support/orgs/{orgId}/cases/{caseId}', { params: { orgId: 'o1', caseId: 'c'.repeat(201) } }, 'caseId', 'The path parameter caseId is too long.'],
  ] as const)('%s → 400 naming the field', (_what, key, parts, field, message) => {
    expect(refusal(key, parts)).toMatchObject({ field, message });
  });

  test('the access question: environment defaults to production, a blank workspace is none', () => {
    expect(parse('GET /support/orgs/{orgId}/access', { params: { orgId: 'o1' }, query: { level: 'manage', workspace: ' ' } }).query).toEqual({ level: 'manage', environment: 'production', workspace: undefined });
  });

  test('the case list: open cases, 25 at a time, by default', () => {
    expect(parse('GET /support/orgs/{orgId}/cases', { params: { orgId: 'o1' } }).query).toEqual({ status: 'open', limit: 25 });
    expect(parse('GET /support/orgs/{orgId}/cases', { params: { orgId: 'o1' }, query: { status: 'all', limit: '100', after: 'c9' } }).query).toEqual({ status: 'all', limit: 100, after: 'c9' });
  });

  test('a session asks read unless it says more; a list and a string mean the same', () => {
    const params = { orgId: 'o1', grantId: 'g1' };
    expect(parse('POST /support/orgs/{orgId}/grants/{grantId}/sessions', { params, body: { justification: 'x' } }).body).toEqual({ justification: 'x', scope: ['read'] });
    expect(parse('POST /support/orgs/{orgId}/grants/{grantId}/sessions', { params, body: { justification: 'x', scope: 'write' } }).body).toMatchObject({ scope: ['read', 'write'] });
    expect(parse('POST /support/orgs/{orgId}/grants/{grantId}/sessions', { params, body: { justification: 'x', scope: ['read', 'write', 'write'] } }).body).toMatchObject({ scope: ['read', 'write'] });
  });

  test('introspection without a token is invalid_request (RFC 7662), a token_type_hint is taken', () => {
    const key = 'POST /oauth/introspect';
    expect(() => contractRequest(CONTRACTS[key], eventOf(key, { body: {} }), 'invalid_request')).toThrow(expect.objectContaining({ field: 'token', code: 'invalid_request' }));
    expect(contractRequest(CONTRACTS[key], eventOf(key, { body: { token: 't', token_type_hint: 'access_token' } })).body).toEqual({ token: 't', token_type_hint: 'access_token' });
  });
});

describe('org provisioning input (admin API)', () => {
  const valid = { name: '  Globex   Corp ', plan: 'paid', environments: ['production'], firstAdminEmail: 'Ops@Globex.TEST' };

  test('a valid request is normalized: spaces in the name, email case, default workspace and admin name', () => {
    expect(parse('POST /admin/orgs', { body: valid }).body).toEqual({ name: 'Globex Corp', plan: 'paid', environments: ['production'], workspaces: ['main'], firstAdminEmail: 'ops@globex.test', firstAdminName: 'ops' });
  });

  test.each([
    [{ name: 'G' }, 'name'],
    [{ name: 'x'.repeat(81) }, 'name'],
    [{ name: 'Bad\u0007Bell' }, 'name'],
    [{ plan: 'gold' }, 'plan'],
    [{ environments: 'production' }, 'environments'],
    [{ environments: ['production', 'qa'] }, 'environments'],
    [{ firstAdminEmail: 'nobody' }, 'firstAdminEmail'],
    [{ firstAdminName: '' }, 'firstAdminName'],
    [{ workspaces: ['a', 'a'] }, 'workspaces'],
    [{ extra: true }, 'extra'],
  ])('%o is refused naming %s', (change, field) => {
    expect(refusal('POST /admin/orgs', { body: { ...valid, ...change } }).field).toBe(field);
  });

  test('a change needs plan or environments, and checks each', () => {
    const params = { orgId: 'o1' };
    expect(parse('PATCH /admin/orgs/{orgId}', { params, body: { plan: 'trial' } }).body).toEqual({ plan: 'trial' });
    expect(refusal('PATCH /admin/orgs/{orgId}', { params, body: {} })).toMatchObject({ field: 'body', message: 'Send plan, environments or both.' });
    expect(refusal('PATCH /admin/orgs/{orgId}', { params, body: { environments: [] } }).field).toBe('environments');
    expect(refusal('PATCH /admin/orgs/{orgId}', { params, body: { status: 'suspended' } }).field).toBe('status');
  });
});

describe('the contract test itself (test/support/contract.ts) can fail', () => {
  const DELETED = { sessionId: 's1', status: 'ended', endedAt: '2026-11-26T10:00:00.000Z' };

  test('a documented answer passes; the portal\'s pages are not its business', () => {
    expect(() => checkResponse('DELETE', '/support/sessions/s1', 200, 'application/json', DELETED)).not.toThrow();
    expect(() => checkResponse('GET', '/grants/new', 200, 'text/html', '<html>')).not.toThrow();
  });

  test('a field the schema does not list, a missing one, or a wrong type fails', () => {
    expect(() => checkResponse('DELETE', '/support/sessions/s1', 200, 'application/json', { ...DELETED, token: 'leaked' })).toThrow(/does not describe/);
    expect(() => checkResponse('DELETE', '/support/sessions/s1', 200, 'application/json', { sessionId: 's1', status: 'ended' })).toThrow(/endedAt/);
    expect(() => checkResponse('GET', '/support/orgs/o1/cases/c1/access', 200, 'application/json', { allowed: 'yes' })).toThrow(/does not describe/);
  });

  test('a status the operation does not document fails; a documented problem must be a problem document', () => {
    expect(() => checkResponse('DELETE', '/support/sessions/s1', 201, 'application/json', DELETED)).toThrow(/does not document/);
    expect(() => checkResponse('GET', '/.well-known/jwks.json', 404, 'application/problem+json', {})).toThrow(/does not document/);
    expect(() => checkResponse('DELETE', '/support/sessions/s1', 409, 'application/problem+json', { type: 't', title: 'x', status: 409, detail: 'd' })).not.toThrow();
    expect(() => checkResponse('DELETE', '/support/sessions/s1', 409, 'application/problem+json', { title: 'x' })).toThrow(/does not describe/);
    expect(() => checkResponse('GET', '/support/orgs/o1/grants', 401, 'application/json', { message: 'Unauthorized' })).not.toThrow();
  });
});
