import { chainEvent, GENESIS_HASH, type AuditEntry } from '../../shared/domain/audit';
import { EVENT_DESCRIPTIONS, eventFromAudit, eventTypeOf, orderKeyOf, slackMessage, WEBHOOK_EVENT_TYPES } from '../../shared/domain/webhook-events';

const entry = (action: string, more: Partial<AuditEntry> = {}): AuditEntry => ({
  at: '2026-05-04T09:00:00.000Z',
  actor: { type: 'agent', id: 'alex@vendor.test', email: 'alex@vendor.test', actingAs: 'uma@acme.test' },
  action,
  target: { type: 'grant', id: 'g1' },
  ...more,
});
const audit = (e: AuditEntry, seq = 0) => chainEvent('acme', e, { seq, hash: GENESIS_HASH });

describe('the webhook event catalogue', () => {
  test.each([
    ['grant.created', {}, 'grant.created'],
    ['grant.case_activated', {}, 'grant.created'],
    ['grant.extended', {}, 'grant.end_changed'],
    ['grant.shortened', {}, 'grant.end_changed'],
    ['grant.revoked', {}, 'grant.revoked'],
    ['grant.expired', {}, 'grant.expired'],
    ['grant.ended', { endReason: 'consent_withdrawn' }, 'grant.consent_withdrawn'],
    ['grant.ended', { endReason: 'case_solved' }, 'grant.ended'],
    ['grant.ended', { endReason: 'org_suspended' }, 'grant.ended'],
    ['grant.ended', { endReason: 'plan_changed' }, 'grant.ended'],
    ['grant.consent_withdrawn', {}, undefined],
    ['session.started', {}, 'session.started'],
    ['session.ended', {}, 'session.ended'],
    ['request.created', {}, 'access_request.created'],
    ['request.approved_by', { status: 'approved' }, 'access_request.decided'],
    ['request.denied_by', { status: 'denied' }, 'access_request.decided'],
    ['request.approved_by', { status: 'pending' }, undefined],
    ['change.approved_by', { status: 'approved' }, 'change_request.decided'],
    ['change.denied_by', { status: 'denied' }, 'change_request.decided'],
    ['change.created', {}, undefined],
    ['case.remote_access_changed', {}, 'case.access_changed'],
    ['support.activity', {}, 'support.activity'],
    ['webhook.test_requested', {}, 'webhook.test'],
    ['user.signed_in', {}, undefined],
    ['webhook.created', {}, undefined],
    ['org.settings_changed', {}, undefined],
  ])('%s (%j) is published as %s', (action, after, type) => {
    expect(eventTypeOf({ action, after })).toBe(type);
  });

  test('every type in the catalogue is published by some action', () => {
    const actions = ['grant.created', 'grant.extended', 'grant.revoked', 'grant.expired', 'grant.ended', 'session.started', 'session.ended', 'request.created', 'case.remote_access_changed', 'support.activity'];
    const published = new Set([
      ...actions.map((a) => eventTypeOf({ action: a })),
      eventTypeOf({ action: 'grant.ended', after: { endReason: 'consent_withdrawn' } }),
      eventTypeOf({ action: 'request.approved_by', after: { status: 'approved' } }),
      eventTypeOf({ action: 'change.denied_by', after: { status: 'denied' } }),
    ]);
    expect([...WEBHOOK_EVENT_TYPES].filter((t) => !published.has(t))).toEqual([]);
  });

  test('an event has a stable id from its audit hash, its type, time, org, place in the trail, and the facts', () => {
    const a = audit(entry('session.started', { target: { type: 'session', id: 's1' }, caseId: 'c1', justification: 'Ticket 42', after: { grantId: 'g1', scope: ['read'] } }), 6);
    const event = eventFromAudit(a)!;
    expect(event).toEqual({
      id: `evt_${a.hash.slice(0, 32)}`,
      type: 'session.started',
      time: '2026-05-04T09:00:00.000Z',
      orgId: 'acme',
      auditSeq: 7,
      data: {
        action: 'session.started',
        actor: { type: 'agent', id: 'alex@vendor.test', email: 'alex@vendor.test', actingAs: 'uma@acme.test' },
        target: { type: 'session', id: 's1' },
        caseId: 'c1',
        justification: 'Ticket 42',
        after: { grantId: 'g1', scope: ['read'] },
      },
    });
    expect(eventFromAudit(a)!.id).toBe(event.id);
    expect(eventFromAudit(audit(entry('user.signed_in')))).toBeUndefined();
  });

  test('no token, secret, password, hash or credential reaches an event, at any depth', () => {
    const event = eventFromAudit(audit(entry('grant.created', { after: { token: 't', tokenHash: 'h', nested: { clientSecret: 's', password: 'p', ok: 1, list: [{ credentialId: 'c', keep: 2 }] } } })))!;
    expect(event.data.after).toEqual({ nested: { ok: 1, list: [{ keep: 2 }] } });
  });

  test('events of one grant share an order key; others are ordered by their subject', () => {
    expect(orderKeyOf({ target: { type: 'grant', id: 'g1' } })).toBe('grant-g1');
    expect(orderKeyOf({ target: { type: 'session', id: 's1' }, after: { grantId: 'g1' } })).toBe('grant-g1');
    expect(orderKeyOf({ target: { type: 'request', id: 'r1' } })).toBe('request-r1');
  });

  test('the Slack format: a title, the facts, the ids, and Slack\'s control characters escaped', () => {
    const event = eventFromAudit(audit(entry('grant.revoked', { justification: '<!channel> & done', after: { status: 'revoked' } })))!;
    const message = slackMessage(event);
    expect(message.text).toBe(':no_entry: Support login access revoked (acme)');
    expect(message.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*:no_entry: Support login access revoked*\n*By:* alex@vendor.test (acting as uma@acme.test)\n*grant:* `g1`\n*Why:* &lt;!channel&gt; &amp; done\n*Status:* revoked' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `acme · 2026-05-04T09:00:00.000Z · ${event.id}` }] },
    ]);
  });
});

describe('the catalogue\'s words and edges', () => {
  test('every type has its description and its Slack title, each its own', () => {
    const types = [...WEBHOOK_EVENT_TYPES, 'webhook.test'] as const;
    for (const t of types) {
      expect([t, EVENT_DESCRIPTIONS[t].length > 10]).toEqual([t, true]);
      expect([t, slackMessage({ id: 'evt_1', type: t, time: 'T', orgId: 'o', auditSeq: 1, data: {} }).text.length > 15]).toEqual([t, true]);
    }
    expect(new Set(types.map((t) => EVENT_DESCRIPTIONS[t])).size).toBe(types.length);
    expect(new Set(types.map((t) => slackMessage({ id: 'e', type: t, time: 'T', orgId: 'o', auditSeq: 1, data: {} }).text)).size).toBe(types.length);
  });

  test('a change vote that leaves the request pending is not published; decided is', () => {
    expect(eventTypeOf({ action: 'change.approved_by', after: { status: 'pending' } })).toBeUndefined();
    expect(eventTypeOf({ action: 'change.denied_by' })).toBeUndefined();
    expect(eventTypeOf({ action: 'change.approved_by', after: { status: 'approved' } })).toBe('change_request.decided');
  });

  test('facts keep nulls, numbers and lists as they are', () => {
    const event = eventFromAudit(audit(entry('grant.created', { after: { note: null, n: 3, list: ['a', 'b'] } })))!;
    expect(event.data.after).toEqual({ note: null, n: 3, list: ['a', 'b'] });
  });

  test('the order key: a grant target, a grant named in the facts, else the subject', () => {
    expect(orderKeyOf({ target: { type: 'grant', id: 'g1' }, after: { grantId: 'other' } })).toBe('grant-g1');
    expect(orderKeyOf({ target: { type: 'case', id: 'c1' }, after: { grantId: 7 } })).toBe('case-c1');
    expect(orderKeyOf({ target: { type: 'webhook', id: 'wh_1' } })).toBe('webhook-wh_1');
  });

  test('a Slack message with few facts: an agent by id, a case, the end time', () => {
    const message = slackMessage({ id: 'evt_1', type: 'session.started', time: 'T', orgId: 'o', auditSeq: 1, data: { actor: { type: 'system', id: 'sweep' }, caseId: 'c<1>', after: { expiresAt: '2026-01-01T00:00:00Z' } } });
    expect((message.blocks[0] as { text: { text: string } }).text.text).toBe('*:bust_in_silhouette: Support signed in as a user*\n*By:* sweep\n*Case:* `c&lt;1&gt;`\n*Ends:* 2026-01-01T00:00:00Z');
    const bare = slackMessage({ id: 'evt_2', type: 'webhook.test', time: 'T', orgId: 'o', auditSeq: 1, data: { actor: { type: 'platform' } } });
    expect((bare.blocks[0] as { text: { text: string } }).text.text).toBe('*:white_check_mark: Test event from Support Access*\n*By:* platform');
  });
});
