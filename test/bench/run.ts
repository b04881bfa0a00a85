/** `npm run bench`: the benchmarks arrive with their own issue; until then this says so. */
console.log('npm run bench: not yet — the benchmark suite (hot path, cold start, store cost, expiry lag, scale) is still to come.');
