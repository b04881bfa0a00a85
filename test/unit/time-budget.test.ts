import { FUNCTION_PERMISSIONS, servicesOf } from '../../infra/config/function-permissions';
import { ROUTES } from '../../shared/http/routes';
import { CLIENT_SETTINGS, worstCallMs } from '../../shared/adapters/time-budget';

/** A cold start's own share of a function's time (module init, the first connection). */
const INIT_MS = 1000;
/** What must stay free: no function plans to use more than 90 % of its timeout. */
const MARGIN = 0.9;
/** API Gateway HTTP APIs give up on an integration after 30 s. */
const HTTP_INTEGRATION_LIMIT_S = 30;

const budgets = Object.entries(FUNCTION_PERMISSIONS).map(([name, p]) => {
  const services = servicesOf(p);
  // Services no request uses together count once, as the slowest of them.
  const exclusive = p.oneRequestUsesOneOf ?? [];
  const worstMs =
    INIT_MS +
    services.filter((s) => !exclusive.includes(s)).reduce((sum, s) => sum + worstCallMs(s), 0) +
    Math.max(0, ...services.filter((s) => exclusive.includes(s)).map(worstCallMs));
  return { name, timeoutMs: p.timeoutSeconds * 1000, worstMs, services };
});

describe('every function\'s time budget adds up', () => {
  afterAll(() => {
    console.log(`time budget (one stalled call of each service + ${INIT_MS} ms init, vs the timeout):\n${budgets.map((b) => `  ${b.name}: ${b.worstMs} ms of ${b.timeoutMs} ms (${b.services.join(', ')})`).join('\n')}`);
  });

  test('one call never outlives its function: attempts × timeouts plus the SDK\'s backoff', () => {
    expect(worstCallMs('dynamodb')).toBe(3 * (500 + 1500) + 100 + 200);
    for (const service of Object.keys(CLIENT_SETTINGS) as (keyof typeof CLIENT_SETTINGS)[]) expect(worstCallMs(service)).toBeLessThan(10_000);
  });

  test.each(budgets)('$name: one stalled call of each service it uses fits in its timeout with margin', ({ timeoutMs, worstMs }) => {
    expect(worstMs).toBeLessThanOrEqual(timeoutMs * MARGIN);
  });

  test('functions behind the HTTP API answer before API Gateway gives up (30 s)', () => {
    const http = new Set(ROUTES.map((r) => r.fn));
    for (const name of http) expect([name, FUNCTION_PERMISSIONS[name].timeoutSeconds < HTTP_INTEGRATION_LIMIT_S]).toEqual([name, true]);
  });
});
