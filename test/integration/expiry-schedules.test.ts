import { CreateScheduleCommand, ResourceNotFoundException, SchedulerClient, ValidationException } from '@aws-sdk/client-scheduler';
import { AgentClient, PortalClient } from '../support/clients';
import { expireInvocations, stackClock } from '../support/clock';
import { eventually, getItem, givenOrg, layout, schedules, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';

const ALEX = uniqueAgent('alex');

const MINUTE = 60_000;
const scheduleOf = async (name: string) => (await (await fetch(`${layout.urls.scheduler}/schedules/${name}?groupName=support-access`)).json()) as { ScheduleExpression: string; LocalFireAt: string; LocalFiredAt?: string };
const atOf = (expression: string) => Date.parse(`${/^at\((.+)\)$/.exec(expression)![1]}Z`);
const grantIdFrom = (html: string) => [...html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!).sort().at(-1)!;

/** The next 10:00:00 UTC after real now: a fixed-looking time the stack clock can be set to. */
function nextTenOClock(): Date {
  const d = new Date();
  d.setUTCHours(10, 0, 0, 0);
  if (d.getTime() <= Date.now()) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

const scheduler = new SchedulerClient({ endpoint: layout.urls.scheduler, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const validSchedule = (name: string, input: unknown) => ({
  Name: name,
  GroupName: 'support-access',
  ScheduleExpression: 'at(2030-01-01T00:00:00)',
  ScheduleExpressionTimezone: 'UTC',
  FlexibleTimeWindow: { Mode: 'OFF' as const },
  ActionAfterCompletion: 'DELETE' as const,
  Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:expire', RoleArn: 'arn:aws:iam::000000000000:role/scheduler', Input: JSON.stringify(input) },
});

describe('expiry on EventBridge Scheduler\'s terms, on the stack clock', () => {
  let given: GivenOrg;
  let alex: AgentClient;

  beforeAll(async () => {
    given = await givenOrg();
    alex = await AgentClient.signIn(ALEX);
  });
  afterEach(() => stackClock.reset());

  test('a grant due at 10:00:30 is denied from 10:00:30 and marked expired by the schedule within 10:01', async () => {
    // Prepare: 10:00:00 on the stack; a 30-second grant (the test stage allows seconds)
    const ten = nextTenOClock();
    await stackClock.set(ten);
    const admin = await PortalClient.signIn(given.admin.email);
    expect((await admin.post('/grants', { durationHours: String(30 / 3600) })).status).toBe(303);
    const grantId = grantIdFrom((await admin.get('/')).html);
    expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`)).toMatchObject({ expiresAt: new Date(ten.getTime() + 30_000).toISOString() });
    const schedule = await scheduleOf(`grant-${grantId}`);
    expect(atOf(schedule.ScheduleExpression)).toBe(ten.getTime() + MINUTE);
    const fireAt = Date.parse(schedule.LocalFireAt);
    expect(fireAt).toBeGreaterThanOrEqual(ten.getTime() + MINUTE);
    expect(fireAt).toBeLessThan(ten.getTime() + 2 * MINUTE);
    const start = () => alex.call('POST', `/support/orgs/${given.org.orgId}/grants/${grantId}/sessions`, { justification: 'at ten' });

    // Act / Assess: one millisecond before 10:00:30 it works; from 10:00:30 it is refused, before the schedule fires
    await stackClock.set(new Date(ten.getTime() + 30_000 - 1));
    expect((await start()).status).toBe(201);
    await stackClock.set(new Date(ten.getTime() + 30_000));
    expect((await start()).body).toMatchObject({ status: 403, title: 'grant_expired' });
    expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'active' });
    await stackClock.set(new Date(fireAt - 1));
    expect(await schedules()).toContain(`grant-${grantId}`);
    expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'active' });

    // Act: its moment within 10:01 comes
    await stackClock.set(new Date(fireAt));

    // Assess: expired by the scheduler then, the schedule deleted, the customer told
    const expired = await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`);
    expect(expired).toMatchObject({ status: 'expired', endReason: 'expired', endedBy: { type: 'system', id: 'scheduler' }, endedAt: new Date(fireAt).toISOString() });
    expect(await schedules()).not.toContain(`grant-${grantId}`);
    await eventually('the "ended" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('ended') && e.body.text?.includes('time ran out')));
  });

  test('grants of one org that expire together end with the first of their schedules to fire, in one transaction; the later fires find them ended', async () => {
    // Prepare: three 30-second grants made at 10:00:00, each schedule firing somewhere in 10:01
    const ten = nextTenOClock();
    await stackClock.set(ten);
    const admin = await PortalClient.signIn(given.admin.email);
    const before = new Set([...(await admin.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!));
    for (let i = 0; i < 3; i++) expect((await admin.post('/grants', { durationHours: String(30 / 3600) })).status).toBe(303);
    const grantIds = [...(await admin.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!).filter((id) => !before.has(id));
    expect(grantIds).toHaveLength(3);
    const fires = (await Promise.all(grantIds.map(async (id) => ({ id, at: Date.parse((await scheduleOf(`grant-${id}`)).LocalFireAt) })))).sort((a, b) => a.at - b.at);

    // Act: the first schedule's moment comes
    await stackClock.set(new Date(fires[0]!.at));

    // Assess: all three expired then, by that one invocation; the later schedules still wait
    for (const id of grantIds) {
      expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${id}`)).toMatchObject({ status: 'expired', endReason: 'expired', endedAt: new Date(fires[0]!.at).toISOString() });
    }
    const waiting = fires.slice(1).filter((f) => f.at > fires[0]!.at).map((f) => `grant-${f.id}`);
    expect(await schedules()).toEqual(expect.arrayContaining(waiting));

    // Act / Assess: the later fires change nothing and their schedules are deleted
    await stackClock.set(new Date(fires[2]!.at));
    for (const id of grantIds) expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${id}`)).toMatchObject({ status: 'expired', endedAt: new Date(fires[0]!.at).toISOString() });
    for (const id of grantIds) expect(await schedules()).not.toContain(`grant-${id}`);
  });

  test('an expire invocation that throws is retried twice by Lambda (1 and 2 minutes later), then lands in the on-failure destination', async () => {
    // Prepare: a schedule whose target input expire cannot handle
    const name = `bogus-${Date.now()}`;
    const now = await stackClock.now();
    const at = new Date(Math.ceil((now.getTime() + 1) / MINUTE) * MINUTE);
    await scheduler.send(new CreateScheduleCommand({ ...validSchedule(name, { type: 'bogus', orgId: 'o', id: name }), ScheduleExpression: `at(${at.toISOString().slice(0, 19)})` }));
    const mine = async () => (await expireInvocations()).attempts.filter((a) => a.outcome === 'error');
    const before = (await mine()).length;
    const failuresBefore = (await expireInvocations()).failures.length;

    // Act / Assess: the fire is attempt 1; nothing more until a minute has passed
    await stackClock.set(new Date(at.getTime() + MINUTE));
    expect(await schedules()).not.toContain(name);
    expect((await mine()).length - before).toBe(1);
    await stackClock.advance(MINUTE);
    expect((await mine()).length - before).toBe(2);
    expect((await expireInvocations()).failures.length).toBe(failuresBefore);
    await stackClock.advance(2 * MINUTE);
    expect((await mine()).length - before).toBe(3);

    // Assess: retries exhausted → the on-failure record, in Lambda's destination shape
    const failures = (await expireInvocations()).failures;
    expect(failures).toHaveLength(failuresBefore + 1);
    expect(failures.at(-1)).toMatchObject({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 }, requestPayload: { type: 'bogus', id: name } });
    expect(failures.at(-1)!.responsePayload.errorMessage).toContain('Unknown expiry target');
    await stackClock.advance(10 * MINUTE);
    expect((await mine()).length - before).toBe(3);
  });

  test('a one-time schedule kept after completion (NONE, the service\'s default) fires once and stays, completed', async () => {
    // Prepare: a schedule with ActionAfterCompletion NONE whose target input expire refuses (so each fire is an error attempt)
    const name = `kept-${Date.now()}`;
    const now = await stackClock.now();
    const at = new Date(Math.ceil((now.getTime() + 1) / MINUTE) * MINUTE);
    await scheduler.send(new CreateScheduleCommand({ ...validSchedule(name, { type: 'bogus', orgId: 'o', id: name }), ActionAfterCompletion: 'NONE', ScheduleExpression: `at(${at.toISOString().slice(0, 19)})` }));
    const fireAt = Date.parse((await scheduleOf(name)).LocalFireAt);
    const errors = async () => (await expireInvocations()).attempts.filter((a) => a.outcome === 'error').length;
    const before = await errors();

    // Act: the fire (somewhere in the minute after the at-time), then later ticks short of Lambda's first retry (a minute later)
    await stackClock.set(new Date(fireAt));
    for (let i = 0; i < 3; i++) await stackClock.advance(1000);

    // Assess: one invocation; the schedule is still there, marked fired
    expect((await errors()) - before).toBe(1);
    expect(await schedules()).toContain(name);
    expect((await scheduleOf(name)).LocalFiredAt).toBe(new Date(fireAt).toISOString());
  });

  test('a request expiry carrying milliseconds is never fired early', async () => {
    // Prepare: a request made at hh:mm:30.5 expires 72 h later at hh:mm:30.5
    const ten = nextTenOClock();
    await stackClock.set(new Date(ten.getTime() + 30_500));
    const caseId = (await alex.call('POST', `/support/orgs/${given.org.orgId}/cases`, { subject: 'Milliseconds', contactEmail: given.user.email })).body.caseId as string;
    const asked = await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/access-requests`, { justification: 'Quick look' });
    const expiresAt = Date.parse(asked.body.expiresAt as string);
    expect(expiresAt % 1000).toBe(500);
    const schedule = await scheduleOf(`request-${asked.body.requestId}`);

    // Assess: the at-time is the next whole minute, so even an exact fire is after the expiry
    expect(atOf(schedule.ScheduleExpression)).toBe(Math.ceil(expiresAt / MINUTE) * MINUTE);
    expect(Date.parse(schedule.LocalFireAt)).toBeGreaterThan(expiresAt);

    // Act / Assess: a millisecond before the expiry it is pending; just before the fire the schedule waits; at the fire it expires
    const item = () => getItem(`ORG#${given.org.orgId}`, `REQUEST#${asked.body.requestId}`);
    await stackClock.set(new Date(expiresAt - 1));
    expect(await item()).toMatchObject({ status: 'pending' });
    await stackClock.set(new Date(Date.parse(schedule.LocalFireAt) - 1));
    expect(await schedules()).toContain(`request-${asked.body.requestId}`);
    await stackClock.set(new Date(Date.parse(schedule.LocalFireAt)));
    expect(await schedules()).not.toContain(`request-${asked.body.requestId}`);
    expect(await item()).toMatchObject({ status: 'expired', decidedAt: schedule.LocalFireAt });
  });

  test.each([
    ['a name AWS refuses', { Name: 'grant/with/slashes' }, ValidationException],
    ['another group', { GroupName: 'someone-elses' }, ResourceNotFoundException],
    ['a cron expression', { ScheduleExpression: 'cron(0 10 * * ? *)' }, ValidationException],
    ['a time that is no calendar time', { ScheduleExpression: 'at(2030-02-30T10:00:00)' }, ValidationException],
    ['a zone suffix', { ScheduleExpression: 'at(2030-01-01T10:00:00Z)' }, ValidationException],
    ['no flexible time window', { FlexibleTimeWindow: undefined }, ValidationException],
  ])('the local scheduler refuses %s as AWS does', async (_what, change, error) => {
    const name = `refused-${Date.now()}`;
    await expect(scheduler.send(new CreateScheduleCommand({ ...validSchedule(name, {}), ...change } as never))).rejects.toBeInstanceOf(error);
    expect(await schedules()).not.toContain(name);
  });
});

describe('smoke: the whole expiry path in real seconds', () => {
  afterAll(() => stackClock.reset());

  test('a 3-second grant is refused at its real expiry second, then expired by the real-time scheduler, with its email', async () => {
    // Prepare: put the stack 5 s before a whole minute and fire schedules exactly at their at-time,
    // so the schedule comes due a few real seconds after the grant ends (no minute of waiting).
    const given = await givenOrg();
    const now = (await stackClock.now()).getTime();
    await stackClock.set(new Date(Math.ceil((now + 10_000) / MINUTE) * MINUTE - 5_000), { flowing: true });
    await stackClock.exactFires();
    const admin = await PortalClient.signIn(given.admin.email);
    const alex = await AgentClient.signIn(ALEX);
    expect((await admin.post('/grants', { durationHours: String(3 / 3600) })).status).toBe(303);
    const grantId = grantIdFrom((await admin.get('/')).html);
    const start = () => alex.call('POST', `/support/orgs/${given.org.orgId}/grants/${grantId}/sessions`, { justification: 'smoke' });
    expect((await start()).status).toBe(201);

    // Assess: refused once its second has come in real time, then expired without any test control
    await eventually('the grant to be refused at its expiry second', async () => (await start()).status === 403, 10_000);
    const expired = await eventually('the scheduler to expire the grant', async () => {
      const g = await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`);
      return g?.status === 'expired' && g;
    }, 15_000);
    expect(expired.endedBy).toEqual({ type: 'system', id: 'scheduler' });
    await eventually('the "ended" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('ended')));
  });
});
