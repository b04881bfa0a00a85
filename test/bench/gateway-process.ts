/**
 * A bench gateway in a process of its own: the local API Gateway (same route table, same JWT
 * authorizer, same payload 2.0 events) in front of either our handlers or the minimal ones, so
 * both are measured the same way. `GET /__cpu` answers this process's CPU time so far (µs), for
 * CPU per request. Usage: tsx test/bench/gateway-process.ts <port> ours|minimal
 */
import { createServer } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { functionEnvironment, platformEnvironment, STAFF_CLIENT_ID } from '../../infra/local/layout';
import { benchLayout } from './bench-stack';

const [port, mode] = [Number(process.argv[2]), process.argv[3]];
Object.assign(process.env, platformEnvironment(benchLayout), functionEnvironment(benchLayout));

const { createGateway } = await import('../../infra/local/gateway');
const { FUNCTION_ENTRIES, loadHandler } = await import('../../infra/local/functions');
type Handlers = Parameters<typeof createGateway>[0];

const notHere = async () => ({ statusCode: 404, body: '{"message":"not in the bench gateway"}' });
const handlers = Object.fromEntries(Object.keys(FUNCTION_ENTRIES).map((name) => [name, notHere])) as unknown as Handlers;
if (mode === 'minimal') {
  const minimal = await import('./minimal-handlers');
  handlers['support-api'] = async (event) => minimal.minimalAccessDecision(event as APIGatewayProxyEventV2);
  handlers['product-api'] = async (event) => minimal.minimalIntrospection(event as APIGatewayProxyEventV2);
} else {
  handlers['support-api'] = await loadHandler('support-api');
  handlers['product-api'] = await loadHandler('product-api');
}

const gateway = createGateway(handlers, { issuer: benchLayout.urls.staffIssuer, audience: STAFF_CLIENT_ID, scopes: [benchLayout.stage.staffScope] });
const forward = gateway.listeners('request')[0] as Parameters<typeof createServer>[1];
createServer((req, res) => {
  if (req.url === '/__cpu') {
    const { user, system } = process.cpuUsage();
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ micros: user + system }));
  }
  return forward!(req, res);
}).listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
