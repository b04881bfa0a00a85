/**
 * Runs the test files in a shuffled order when SA_TEST_SHUFFLE is set — to a seed, or to
 * "random" — so no file can lean on another having run first. The seed is printed, and the same
 * seed gives the same order. Unset, files run in Jest's usual order.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** mulberry32: a small seeded generator, enough for an order. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class ShuffleSequencer extends Sequencer {
  sort(tests) {
    const wanted = process.env.SA_TEST_SHUFFLE;
    if (!wanted) return super.sort(tests);
    const seed = wanted === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(wanted);
    if (!Number.isInteger(seed)) throw new Error(`SA_TEST_SHUFFLE must be a whole number or "random", got "${wanted}".`);
    process.stderr.write(`Test files in shuffled order, seed ${seed} (SA_TEST_SHUFFLE=${seed} repeats it).\n`);
    const next = random(seed);
    const order = [...tests].sort((a, b) => a.path.localeCompare(b.path));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }
}

module.exports = ShuffleSequencer;
