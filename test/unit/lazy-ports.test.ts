import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadedOnFirstUse } from '../../shared/adapters/lazy';
import { ROUTES, routeKeysUnder, routesLoadedOnFirstUse } from '../../shared/http/routes';

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

describe('routes loaded on first use', () => {
  const event = (routeKey: string) => ({ routeKey }) as APIGatewayProxyEventV2;

  test('the module loads with the first request to any of its routes, once; each key reaches its own handler', async () => {
    let loads = 0;
    const routes = routesLoadedOnFirstUse(['GET /a', 'POST /a'] as const, async () => {
      loads++;
      return { 'GET /a': async () => ({ statusCode: 200 }), 'POST /a': async () => ({ statusCode: 201 }) };
    });
    expect(loads).toBe(0);
    expect(await Promise.all([routes['GET /a'](event('GET /a')), routes['POST /a'](event('POST /a'))])).toEqual([{ statusCode: 200 }, { statusCode: 201 }]);
    expect(loads).toBe(1);
  });

  test('a module lacking a key fails that request, naming it; a failed load is tried again', async () => {
    let loads = 0;
    const routes = routesLoadedOnFirstUse(['GET /a', 'GET /b'] as const, async () => {
      if (++loads === 1) throw new Error('chunk not found');
      return { 'GET /a': async () => ({ statusCode: 200 }) } as never;
    });
    await expect(routes['GET /a'](event('GET /a'))).rejects.toThrow('chunk not found');
    await expect(routes['GET /b'](event('GET /b'))).rejects.toThrow('The lazily loaded routes lack GET /b.');
    expect(loads).toBe(2);
  });

  test('the keys under a prefix come from the route table: the portal\'s webhook pages', () => {
    expect(routeKeysUnder('portal', '/settings/webhooks')).toEqual(ROUTES.filter((r) => r.fn === 'portal' && r.path.startsWith('/settings/webhooks')).map((r) => `${r.method} ${r.path}`));
    expect(routeKeysUnder('portal', '/settings/webhooks')).toHaveLength(7);
  });
});
