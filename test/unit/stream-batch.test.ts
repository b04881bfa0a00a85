import { StreamBatch } from '../../shared/adapters/stream-batch';

/** Work that records when it starts and ends, finishing when told. */
function recorder() {
  const log: string[] = [];
  const gates = new Map<string, () => void>();
  let active = 0;
  let most = 0;
  const work = (name: string, fails = false) => async () => {
    log.push(`start ${name}`);
    most = Math.max(most, ++active);
    await new Promise<void>((resolve) => gates.set(name, resolve));
    active--;
    log.push(`end ${name}`);
    if (fails) throw new Error(`${name} failed`);
  };
  const finish = async (name: string) => {
    for (let i = 0; i < 10 && !gates.has(name); i++) await new Promise((r) => setImmediate(r));
    gates.get(name)!();
    await new Promise((r) => setImmediate(r));
  };
  return { log, work, finish, most: () => most };
}

describe('a stream batch run as the event source allows', () => {
  test('work of one key runs in record order; other keys and independent work run beside it', async () => {
    const r = recorder();
    const batch = new StreamBatch(10);
    batch.inOrder(0, 'o1', r.work('o1-a'));
    batch.inOrder(1, 'o1', r.work('o1-b'));
    batch.inOrder(2, 'o2', r.work('o2-a'));
    batch.independent(3, r.work('n'));
    await new Promise((resolve) => setImmediate(resolve));
    expect([...r.log].sort()).toEqual(['start n', 'start o1-a', 'start o2-a']);
    await r.finish('o1-a');
    expect(r.log.slice(3)).toEqual(['end o1-a', 'start o1-b']);
    for (const name of ['o1-b', 'o2-a', 'n']) await r.finish(name);
    expect(await batch.firstFailure()).toBeUndefined();
  });

  test('never more than the limit at once; each finished work hands its place to the next', async () => {
    const r = recorder();
    const batch = new StreamBatch(2);
    for (let i = 0; i < 5; i++) batch.independent(i, r.work(`n${i}`));
    for (let i = 0; i < 5; i++) await r.finish(`n${i}`);
    expect(await batch.firstFailure()).toBeUndefined();
    expect(r.most()).toBe(2);
    expect(r.log.filter((l) => l.startsWith('start'))).toEqual(['start n0', 'start n1', 'start n2', 'start n3', 'start n4']);
  });

  test('the first failed record is reported, whichever fails first; later work of its key does not run', async () => {
    const r = recorder();
    const batch = new StreamBatch(10);
    batch.inOrder(0, 'o1', r.work('o1-a', true));
    batch.inOrder(1, 'o1', r.work('o1-b'));
    batch.independent(2, r.work('n2', true));
    await r.finish('n2');
    await r.finish('o1-a');
    expect(await batch.firstFailure()).toBe(0);
    expect(r.log).not.toContain('start o1-b');
    expect(batch.stoppedBefore(1)).toBe(true);
    expect(batch.stoppedBefore(0)).toBe(false);
  });

  test('work that must not run twice waits for everything before it, and does not run after a failure', async () => {
    const r = recorder();
    const batch = new StreamBatch(10);
    batch.independent(0, r.work('n0'));
    const alone = batch.alone(1, r.work('ttl'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.log).toEqual(['start n0']);
    await r.finish('n0');
    await r.finish('ttl');
    expect(await alone).toBe(true);

    const failing = new StreamBatch(10);
    failing.independent(0, r.work('bad', true));
    const skipped = failing.alone(1, r.work('never'));
    await r.finish('bad');
    expect(await skipped).toBe(false);
    expect(r.log).not.toContain('start never');
    expect(await failing.firstFailure()).toBe(0);
  });

  test('a failure of the lone work itself stops the batch at it', async () => {
    const r = recorder();
    const batch = new StreamBatch(10);
    const alone = batch.alone(4, r.work('ttl', true));
    await r.finish('ttl');
    expect(await alone).toBe(false);
    expect(await batch.firstFailure()).toBe(4);
  });
});
