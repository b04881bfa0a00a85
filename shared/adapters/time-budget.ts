/**
 * How long each AWS client waits and how often it tries. Chosen together with each function's
 * timeout (`FUNCTION_PERMISSIONS[fn].timeoutSeconds`) so that even one stalled call of every
 * service a function uses — every attempt timing out, with the SDK's backoff between — still
 * fits inside the function's timeout (a unit test computes it from these numbers).
 */
export const CLIENT_SETTINGS = {
  dynamodb: { connectionTimeoutMs: 500, requestTimeoutMs: 1500, maxAttempts: 3 },
  kms: { connectionTimeoutMs: 500, requestTimeoutMs: 1500, maxAttempts: 2 },
  ses: { connectionTimeoutMs: 500, requestTimeoutMs: 2500, maxAttempts: 2 },
  scheduler: { connectionTimeoutMs: 500, requestTimeoutMs: 1500, maxAttempts: 2 },
  secrets: { connectionTimeoutMs: 500, requestTimeoutMs: 1500, maxAttempts: 2 },
  s3: { connectionTimeoutMs: 500, requestTimeoutMs: 4000, maxAttempts: 2 },
  sqs: { connectionTimeoutMs: 500, requestTimeoutMs: 1500, maxAttempts: 3 },
} as const;

export type AwsService = keyof typeof CLIENT_SETTINGS;

/** The SDK's standard retry strategy waits up to 100 ms × 2^n (with jitter) before attempt n + 1. */
const backoffMs = (attempts: number) => Array.from({ length: attempts - 1 }, (_, n) => Math.min(20_000, 100 * 2 ** n)).reduce((a, b) => a + b, 0);

/** The longest one call to `service` can take before the SDK gives up. */
export function worstCallMs(service: AwsService): number {
  const s = CLIENT_SETTINGS[service];
  return s.maxAttempts * (s.connectionTimeoutMs + s.requestTimeoutMs) + backoffMs(s.maxAttempts);
}

/** Client options for `service`: its timeouts and attempts (the endpoint and region come from the environment). */
export const clientConfig = (service: AwsService) => ({
  maxAttempts: CLIENT_SETTINGS[service].maxAttempts,
  requestHandler: { connectionTimeout: CLIENT_SETTINGS[service].connectionTimeoutMs, requestTimeout: CLIENT_SETTINGS[service].requestTimeoutMs },
});
