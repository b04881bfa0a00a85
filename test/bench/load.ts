import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Requests that failed or answered other than 2xx: a run with any is not a valid figure. */
  bad: number;
}

export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** Fixed-concurrency load with autocannon: `connections` keep-alive clients for `seconds`. */
export async function load(target: LoadTarget, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url: target.url, method: target.method ?? 'GET', headers: target.headers, body: target.body, connections, duration: seconds });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    bad: result.errors + result.timeouts + result.non2xx,
  };
}
