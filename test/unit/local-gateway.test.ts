import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createGateway, MAX_REQUEST_LINE_AND_HEADERS_BYTES, MAX_RESPONSE_BYTES } from '../../infra/local/gateway';
import type { FunctionName, Handler } from '../../infra/local/functions';

/** The local gateway in front of stand-in handlers, on a free port. */
async function gatewayWith(productApi: Handler, integrationTimeoutMs = 30_000): Promise<{ url: string; server: Server }> {
  const handlers = { 'product-api': productApi } as unknown as Record<FunctionName, Handler>;
  const server = createGateway(handlers, { issuer: 'http://127.0.0.1:1', audience: 'x', scopes: ['support-access/agent'] }, () => undefined, integrationTimeoutMs);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the local gateway is as strict as API Gateway', () => {
  test('a response over Lambda\'s 6 MB is a 502; one just under passes', async () => {
    let size = MAX_RESPONSE_BYTES + 1;
    const { url, server } = await gatewayWith(async () => ({ statusCode: 200, body: 'x'.repeat(size) }));
    try {
      expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(502);
      size = MAX_RESPONSE_BYTES - 200;
      expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(200);
    } finally {
      server.close();
    }
  });

  test('a function that outlives the integration timeout answers 503 (it keeps running, like Lambda)', async () => {
    const { url, server } = await gatewayWith(() => new Promise(() => undefined), 200);
    try {
      const res = await fetch(`${url}/.well-known/jwks.json`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ message: 'Service Unavailable' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('a malformed percent-encoding in the path or the query is a 400', async () => {
    const { url, server } = await gatewayWith(async () => ({ statusCode: 200, body: '{}' }));
    try {
      expect((await fetch(`${url}/.well-known/jwks.json?x=%E0%A4%A`)).status).toBe(400);
      expect((await fetch(`${url}/cases/%E0%A4%A`)).status).toBe(400);
    } finally {
      server.close();
    }
  });

  test('a request line and headers over API Gateway\'s 10,240 bytes is a 431 with its message; just under passes', async () => {
    const { url, server } = await gatewayWith(async () => ({ statusCode: 200, body: '{}' }));
    try {
      const over = await fetch(`${url}/.well-known/jwks.json?q=${'x'.repeat(MAX_REQUEST_LINE_AND_HEADERS_BYTES)}`);
      expect(over.status).toBe(431);
      expect(await over.json()).toEqual({ message: 'Request Header Fields Too Large' });
      expect((await fetch(`${url}/.well-known/jwks.json?q=${'x'.repeat(MAX_REQUEST_LINE_AND_HEADERS_BYTES - 600)}`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
