import * as z from 'zod/mini';
import { contract } from './contract';
import { email, environment, id, isoTime, line, meta, normalized, oneOf, once, optionalLine, optionalLines, pathId, wholeNumberText } from './fields';
import { views } from './views';
import { DESCRIPTION, SUBJECT } from '../domain/case-rules';
import { LEVELS } from '../domain/model';
import { parseRequestedScope } from '../domain/scope-rules';

/** The support API: agents, with a bearer access token from the staff issuer carrying the staff scope. */

const org = { orgId: pathId('orgId') };
const orgCase = z.strictObject({ ...org, caseId: pathId('caseId') });
const orgGrant = z.strictObject({ ...org, grantId: pathId('grantId') });
const noBody = z.strictObject({});
const justification = line('A justification (why support needs access)', 1000);

const NOT_THERE = [400, 401, 403, 404];

const EXAMPLE_GRANT = {
  grantId: '01JD6Z7Q3X9M2B8K4V5N6P7R8S',
  orgId: 'acme',
  kind: 'user',
  actAs: { id: 'admin@acme.test', email: 'admin@acme.test', name: 'Ada Admin' },
  level: 'manage',
  workspaces: 'all',
  environment: 'production',
  caseIds: [],
  status: 'active',
  createdAt: '2026-11-26T09:00:00.000Z',
  expiresAt: '2026-12-01T09:00:00.000Z',
};
const EXAMPLE_CASE = {
  caseId: '01JD6Z9A1B2C3D4E5F6G7H8J9K',
  orgId: 'acme',
  subject: 'Invoices export fails',
  description: 'The CSV export stops at 1,000 rows.',
  environment: 'production',
  contact: 'user@acme.test',
  channel: 'email',
  remoteAccess: 'denied',
  status: 'open',
  history: [{ at: '2026-11-26T09:00:00.000Z', by: 'alex@vendor.test', from: null, to: 'denied' }],
  createdAt: '2026-11-26T09:00:00.000Z',
};
const EXAMPLE_REQUEST = {
  requestId: '01JD6ZB4M5N6P7Q8R9S0T1V2W3',
  kind: 'access',
  caseId: EXAMPLE_CASE.caseId,
  status: 'pending',
  justification: 'Reproduce the export failure in your account',
  requiredApprovals: 1,
  askedOf: ['user@acme.test', 'security@acme.test'],
  createdAt: '2026-11-26T09:05:00.000Z',
  expiresAt: '2026-11-29T09:05:00.000Z',
};
const EXAMPLE_CASE_GRANT = { ...EXAMPLE_GRANT, kind: 'case', actAs: { id: 'support-profile:acme', email: 'support-profile:acme' }, level: 'monitor', caseIds: [EXAMPLE_CASE.caseId], personnel: ['alex@vendor.test'] };

/** The access decision: the question echoed with the time it was decided, and the answer. */
const AccessDecision = once(() => {
  const { time, Person } = views();
  const decided = {
    level: z.enum(LEVELS),
    workspace: z.optional(z.string()),
    environment: z.enum(['production', 'sandbox']),
    decidedAt: time,
  };
  return z.union([
    z.strictObject({ ...decided, allowed: z.literal(true), grantId: z.string(), kind: z.enum(['user', 'case']), expiresAt: time, actAs: Person }),
    z.strictObject({
      ...decided,
      allowed: z.literal(false),
      reason: z.enum(['no_active_grant', 'environment_not_granted', 'workspace_not_granted', 'level_not_granted']),
      message: z.string(),
    }),
  ]);
});

const CaseAccess = once(() =>
  z.union([
    z.strictObject({ allowed: z.literal(true), grantId: z.string(), expiresAt: views().time, level: z.enum(['monitor', 'manage', 'admin']) }),
    z.strictObject({
      allowed: z.literal(false),
      reason: z.enum(['case_solved', 'activate', 'awaiting_approval', 'request_permission', 'policy_forbids']),
      message: z.string(),
      requestId: z.optional(z.string()),
    }),
  ]),
);

export const SUPPORT_CONTRACTS = {
  'POST /support/orgs/{orgId}/cases': contract(() => ({
    summary: 'Open a case from the email channel',
    description: 'A case a customer wrote in about. It starts with remote access denied; request permission next.',
    security: 'agent',
    params: z.strictObject(org),
    body: z.strictObject({
      subject: line(SUBJECT.label, SUBJECT.max),
      description: optionalLines(DESCRIPTION.label, DESCRIPTION.max),
      environment: z.optional(environment()),
      contactEmail: meta(email('contactEmail'), { description: 'The case contact: a user of the organization' }),
    }),
    responses: () => ({ 201: { description: 'The case, remote access denied', schema: views().Case } }),
    problems: NOT_THERE,
    example: { request: { subject: 'Invoices export fails', description: 'The CSV export stops at 1,000 rows.', contactEmail: 'user@acme.test' }, status: 201, response: EXAMPLE_CASE },
  })),

  'GET /support/orgs/{orgId}/cases': contract(() => ({
    summary: "List an org's cases",
    description: 'Newest first, a page at a time: pass the previous page\'s `next` as `after`.',
    security: 'agent',
    params: z.strictObject(org),
    query: z.strictObject({
      status: meta(z._default(oneOf(['open', 'solved', 'all'] as const, 'status'), 'open'), { description: 'open (default), solved or all' }),
      limit: z.pipe(
        meta(z.optional(wholeNumberText('limit', 1, 100)), { description: 'Page size, 1 to 100 (25)' }),
        z.transform((n: number | undefined) => n ?? 25),
      ),
      after: meta(z.optional(id('after')), { description: "The previous page's next" }),
    }),
    responses: () => ({ 200: { description: 'A page of cases', schema: z.strictObject({ cases: z.array(views().Case), next: z.optional(z.string()) }) } }),
    problems: NOT_THERE,
    example: { status: 200, response: { cases: [EXAMPLE_CASE] } },
  })),

  'GET /support/orgs/{orgId}/cases/{caseId}': contract(() => ({
    summary: 'Read a case',
    security: 'agent',
    params: orgCase,
    responses: () => ({ 200: { description: 'The case', schema: views().Case } }),
    problems: NOT_THERE,
    example: { status: 200, response: EXAMPLE_CASE },
  })),

  'POST /support/orgs/{orgId}/cases/{caseId}/access-requests': contract(() => ({
    summary: 'Request permission to access a denied case',
    description: 'The case contact and the authorized contacts are emailed a single-use approval link each.',
    security: 'agent',
    params: orgCase,
    body: z.strictObject({ justification }),
    responses: () => ({ 201: { description: 'The request, pending', schema: views().AccessRequest } }),
    problems: [...NOT_THERE, 409],
    example: { request: { justification: 'Reproduce the export failure in your account' }, status: 201, response: EXAMPLE_REQUEST },
  })),

  'POST /support/orgs/{orgId}/cases/{caseId}/change-requests': contract(() => ({
    summary: 'Ask written approval for a data or configuration change',
    description: 'Once approved, sessions on the named grant that name this case may carry `write` until `until`.',
    security: 'agent',
    params: orgCase,
    body: z.strictObject({
      description: line('A description of the change', 2000),
      grantId: id('grantId'),
      until: isoTime('until'),
    }),
    responses: () => ({ 201: { description: 'The change request, pending', schema: views().AccessRequest } }),
    problems: [...NOT_THERE, 409],
    example: {
      request: { description: 'Fix the tax rate on invoice template 3', grantId: EXAMPLE_GRANT.grantId, until: '2026-11-27T17:00:00Z' },
      status: 201,
      response: { ...EXAMPLE_REQUEST, kind: 'change', justification: 'Fix the tax rate on invoice template 3', askedOf: ['security@acme.test'] },
    },
  })),

  'POST /support/orgs/{orgId}/cases/{caseId}/activate': contract(() => ({
    summary: 'Activate access for a case whose remote access is allowed',
    description: 'Creates a case grant naming you (201), or links the case to the case grant you already hold (200). The authorized contacts are emailed who gained access and why.',
    security: 'agent',
    params: orgCase,
    body: z.strictObject({ justification: optionalLine('A justification (why support needs access)', 1000) }),
    responses: () => ({
      201: { description: 'A new case grant', schema: views().CaseGrant },
      200: { description: 'Your case grant, now linked to this case too', schema: views().CaseGrant },
    }),
    problems: [...NOT_THERE, 409],
    example: { request: { justification: 'Check the export settings' }, status: 201, response: EXAMPLE_CASE_GRANT },
  })),

  'POST /support/orgs/{orgId}/cases/{caseId}/resolve': contract(() => ({
    summary: 'Solve a case',
    description: 'Ends the case grants whose linked cases are now all solved; grants still linked to an open case go on.',
    security: 'agent',
    params: orgCase,
    body: noBody,
    responses: () => ({ 200: { description: 'The solved case and the grants that ended', schema: z.strictObject({ case: views().Case, endedGrants: z.array(z.string()) }) } }),
    problems: [...NOT_THERE, 409],
    example: { status: 200, response: { case: { ...EXAMPLE_CASE, status: 'solved' }, endedGrants: [EXAMPLE_GRANT.grantId] } },
  })),

  'GET /support/orgs/{orgId}/cases/{caseId}/access': contract(() => ({
    summary: 'May I access for this case now, or what do I do next?',
    security: 'agent',
    params: orgCase,
    responses: () => ({ 200: { description: 'Allowed through a grant, or the next step', schema: CaseAccess() } }),
    problems: NOT_THERE,
    example: { status: 200, response: { allowed: false, reason: 'request_permission', message: 'Remote access is denied for this case; request permission.' } },
  })),

  'POST /support/orgs/{orgId}/grants/{grantId}/personnel': contract(() => ({
    summary: 'Add a colleague to a case grant',
    description: 'Only an agent named on the grant may; the authorized contacts are emailed again.',
    security: 'agent',
    params: orgGrant,
    body: z.strictObject({ email: email('email (the colleague to add)') }),
    responses: () => ({ 200: { description: 'The grant with its agents', schema: views().CaseGrant } }),
    problems: [...NOT_THERE, 409],
    example: { request: { email: 'bea@vendor.test' }, status: 200, response: { ...EXAMPLE_CASE_GRANT, personnel: ['alex@vendor.test', 'bea@vendor.test'] } },
  })),

  'GET /support/orgs/{orgId}/grants': contract(() => ({
    summary: 'The active grants I may use in an org',
    security: 'agent',
    params: z.strictObject(org),
    query: z.strictObject({ status: z.optional(z.literal('active', { error: 'Only status=active can be listed.' })) }),
    responses: () => ({ 200: { description: 'Active grants', schema: z.strictObject({ grants: z.array(views().Grant) }) } }),
    problems: NOT_THERE,
    example: { status: 200, response: { grants: [EXAMPLE_GRANT] } },
  })),

  'GET /support/orgs/{orgId}/access': contract(() => ({
    summary: 'May I act at this level, in this workspace and environment, right now?',
    description: 'Decided from the set of active grants, to the second; the grant lasting longest answers.',
    security: 'agent',
    params: z.strictObject(org),
    query: z.strictObject({
      level: z.enum(LEVELS, { error: (issue) => `level ${issue.input === undefined ? 'is required:' : 'must be'} one of ${LEVELS.join(', ')}.` }),
      workspace: z.pipe(
        meta(z.optional(z.string().check(z.maxLength(100))), { description: 'A workspace id; absent: an account-wide action' }),
        z.transform((w: string | undefined) => w?.trim() || undefined),
      ),
      environment: meta(z._default(environment(), 'production'), { description: 'production (default) or sandbox' }),
    }),
    responses: () => ({ 200: { description: 'The decision', schema: AccessDecision() } }),
    problems: NOT_THERE,
    example: {
      status: 200,
      response: { level: 'manage', environment: 'production', decidedAt: '2026-11-26T10:00:00.000Z', allowed: true, grantId: EXAMPLE_GRANT.grantId, kind: 'user', expiresAt: EXAMPLE_GRANT.expiresAt, actAs: EXAMPLE_GRANT.actAs },
    },
  })),

  'POST /support/orgs/{orgId}/grants/{grantId}/sessions': contract(() => ({
    summary: 'Start a "log in as" session',
    description:
      'Returns a short-lived session token (at most 15 minutes, never past the grant). `write` is granted only through an approved change request for this grant and case; a scope left out is named in `refusedScopes` with the reason.',
    security: 'agent',
    params: orgGrant,
    body: z.strictObject({
      justification: line('A justification (say why you need to log in)', 1000),
      caseId: z.optional(id('caseId')),
      scope: normalized(
        meta(
          z.optional(
            z.union([z.string().check(z.maxLength(200)), z.array(z.string().check(z.maxLength(50))).check(z.maxLength(10))], {
              error: 'scope must be a space-separated string or a list of scopes, e.g. "read write".',
            }),
          ),
          { description: '"read" (default) or "read write"' },
        ),
        parseRequestedScope,
      ),
    }),
    responses: () => ({
      201: {
        description: 'The session and its token',
        schema: z.strictObject({
          sessionId: z.string(),
          token: meta(z.string(), { description: 'A JWT (ES256); verify with /.well-known/jwks.json' }),
          tokenType: z.literal('Bearer'),
          expiresAt: views().time,
          scope: z.string(),
          refusedScopes: z.optional(z.record(z.string(), z.string())),
          actAs: views().Person,
          caseId: z.optional(z.string()),
        }),
      },
    }),
    problems: [...NOT_THERE, 409],
    example: {
      request: { justification: 'Reproduce the export failure', scope: 'read' },
      status: 201,
      response: { sessionId: '01JD6ZD7E8F9G0H1J2K3M4N5P6', token: 'eyJhbGciOiJFUzI1NiJ9.…', tokenType: 'Bearer', expiresAt: '2026-11-26T10:15:00.000Z', scope: 'read', actAs: EXAMPLE_GRANT.actAs },
    },
  })),

  'DELETE /support/sessions/{sessionId}': contract(() => ({
    summary: 'End my session',
    description: 'Introspection answers inactive from now on.',
    security: 'agent',
    params: z.strictObject({ sessionId: pathId('sessionId') }),
    responses: () => ({ 200: { description: 'The ended session', schema: z.strictObject({ sessionId: z.string(), status: z.literal('ended'), endedAt: views().time }) } }),
    problems: [...NOT_THERE, 409],
    example: { status: 200, response: { sessionId: '01JD6ZD7E8F9G0H1J2K3M4N5P6', status: 'ended', endedAt: '2026-11-26T10:05:00.000Z' } },
  })),
};
