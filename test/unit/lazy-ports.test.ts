import { loadedOnFirstUse } from '../../shared/adapters/lazy';

interface Greeter {
  greet(name: string): Promise<string>;
}

describe('a port loaded on first use', () => {
  test('nothing loads until a method is called; then once, however many calls race', async () => {
    let loads = 0;
    const port = loadedOnFirstUse<Greeter>(async () => {
      loads++;
      return { greet: async (name) => `hello ${name}` };
    });
    expect(loads).toBe(0);
    expect(await Promise.all([port.greet('a'), port.greet('b')])).toEqual(['hello a', 'hello b']);
    expect(await port.greet('c')).toBe('hello c');
    expect(loads).toBe(1);
  });

  test('a failed load is tried again on the next call, and the method\'s own errors pass through', async () => {
    let loads = 0;
    const port = loadedOnFirstUse<Greeter>(async () => {
      if (++loads === 1) throw new Error('module not reachable');
      return { greet: async () => Promise.reject(new RangeError('refused')) };
    });
    await expect(port.greet('a')).rejects.toThrow('module not reachable');
    await expect(port.greet('a')).rejects.toBeInstanceOf(RangeError);
    expect(loads).toBe(2);
  });

  test('awaiting the port itself does not call into it (it is not a thenable)', async () => {
    let loads = 0;
    const port = loadedOnFirstUse<Greeter>(async () => {
      loads++;
      return { greet: async () => 'x' };
    });
    expect(await Promise.resolve(port)).toBe(port);
    expect(loads).toBe(0);
  });
});
