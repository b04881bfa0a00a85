import type { StoreCostRow } from './store-cost';

/**
 * AWS list prices (us-east-1, on-demand, arm64) the model uses; change them here. They are
 * assumptions of the model, not measurements.
 */
export const PRICES = {
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  httpApiRequest: 1.0 / 1e6,
  schedulerInvocation: 1.0 / 1e6,
  sesEmail: 0.1 / 1000,
  kmsAsymmetricSign: 0.15 / 10_000,
  stepFunctionsTransition: 0.025 / 1000,
};

/** What one grant's life involves in the model: made, used, and expired by its schedule. */
export const LIFECYCLE = {
  sessions: 1,
  introspectionsPerSession: 20,
  accessChecks: 10,
  emails: 3, // granted, support signed in, ended
  streamInvocations: 6, // one per committed change or notice claim, unbatched (the worst case)
  streamMs: 100,
  lambdaGb: 0.5, // SupportFunction's 512 MB
};

export interface CostLine {
  item: string;
  perLifecycle: string;
  dollarsPerMillion: number;
}

/**
 * Dollars per million grant lifecycles from the measured store calls, capacity and durations,
 * next to the same lifecycle with a Step Functions Standard wait state instead of Scheduler.
 */
export function costModel(store: StoreCostRow[]): { lines: CostLine[]; totalScheduler: number; totalStepFunctions: number; expiryScheduler: number; expiryStepFunctions: number } {
  const op = (name: string) => {
    const found = store.find((r) => r.op === name);
    if (!found) throw new Error(`No store-cost figure for ${name}.`);
    return found;
  };
  const uses: [StoreCostRow, number][] = [
    [op('grant'), 1],
    [op('session start'), LIFECYCLE.sessions],
    [op('introspect'), LIFECYCLE.sessions * LIFECYCLE.introspectionsPerSession],
    [op('access check'), LIFECYCLE.accessChecks],
    [op('expire (scheduler target)'), 1],
  ];
  const requests = uses.slice(0, -1).reduce((s, [, n]) => s + n, 0); // all but the scheduler's expire
  const units = uses.reduce((acc, [r, n]) => ({ read: acc.read + r.readUnits * n, write: acc.write + r.writeUnits * n }), { read: 0, write: 0 });
  const lambdaSeconds = uses.reduce((s, [r, n]) => s + (r.ms / 1000) * n, 0) + (LIFECYCLE.streamInvocations * LIFECYCLE.streamMs) / 1000;
  const invocations = requests + 1 + LIFECYCLE.streamInvocations;
  // Each notice: claim and mark sent, one write unit each.
  const noticeWrites = LIFECYCLE.emails * 2;
  const m = 1e6;
  const lines: CostLine[] = [
    { item: 'DynamoDB reads', perLifecycle: `${units.read.toFixed(1)} RRU`, dollarsPerMillion: units.read * PRICES.dynamoReadUnit * m },
    { item: 'DynamoDB writes', perLifecycle: `${(units.write + noticeWrites).toFixed(1)} WRU`, dollarsPerMillion: (units.write + noticeWrites) * PRICES.dynamoWriteUnit * m },
    { item: 'API Gateway (HTTP API)', perLifecycle: `${requests} requests`, dollarsPerMillion: requests * PRICES.httpApiRequest * m },
    { item: 'Lambda requests', perLifecycle: `${invocations} invocations`, dollarsPerMillion: invocations * PRICES.lambdaRequest * m },
    { item: 'Lambda compute', perLifecycle: `${lambdaSeconds.toFixed(2)} s × ${LIFECYCLE.lambdaGb} GB`, dollarsPerMillion: lambdaSeconds * LIFECYCLE.lambdaGb * PRICES.lambdaGbSecond * m },
    { item: 'KMS Sign (session tokens)', perLifecycle: `${LIFECYCLE.sessions} signature`, dollarsPerMillion: LIFECYCLE.sessions * PRICES.kmsAsymmetricSign * m },
    { item: 'SES', perLifecycle: `${LIFECYCLE.emails} emails`, dollarsPerMillion: LIFECYCLE.emails * PRICES.sesEmail * m },
  ];
  const shared = lines.reduce((s, l) => s + l.dollarsPerMillion, 0);
  const expiryScheduler = 1 * PRICES.schedulerInvocation * m;
  // Standard workflow per grant: Wait (until expiresAt) → Task (expire) → Succeed.
  const expiryStepFunctions = 3 * PRICES.stepFunctionsTransition * m;
  return { lines, totalScheduler: shared + expiryScheduler, totalStepFunctions: shared + expiryStepFunctions, expiryScheduler, expiryStepFunctions };
}
