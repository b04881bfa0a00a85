/**
 * `npm start`: the whole product on one machine, on loopback — DynamoDB Local, the SES emulator,
 * two OIDC issuers, the local scheduler, the stream poller and the gateway in front of the same
 * handler modules Lambda runs — with demo data, progress lines and a banner of URLs at the end.
 */
import type { Server } from 'node:http';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoStore } from '../../shared/adapters/dynamodb/store';
import { ensureLocalKey } from '../../shared/adapters/local-key-signer';
import { checkDataDir, ensureTable, startDynamoDb } from './dynamodb';
import { FUNCTION_ENTRIES, loadHandler, type FunctionName, type Handler } from './functions';
import { createGateway } from './gateway';
import { DEMO_WEBHOOK_SECRET, functionEnvironment, localLayout, platformEnvironment, STAFF_CLIENT_ID, WEBHOOK_QUEUE_NAME } from './layout';
import { LocalFifoQueue } from './queue';
import { WebhookReceiver } from './webhook-receiver';
import { localEnvironment } from '../config/function-environment';
import { startIdentityProviders } from './oidc';
import { checkJava, checkPorts, StartupError } from './preflight';
import { Children } from './processes';
import { AsyncInvoker } from './async-invoke';
import { LocalScheduler, type FireMode } from './scheduler';
import { periodic, StackTime } from './stack-time';
import { stackClock } from '../../shared/domain/clock';
import { DEMO_WEBHOOK, seedDemoData } from './seed';
import { DEMO_AGENTS, DEMO_PRODUCT_CLIENTS, DEMO_USERS } from './seed-data';
import { startSesEmulator } from './ses';
import { createSesGate } from './ses-gate';
import { StreamPoller } from './stream-poller';
import { lambdaContext } from './lambda-context';

const started = Date.now();
const step = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${text}`);
const quiet = process.env.SA_QUIET === '1';
const trace = (line: string) => {
  if (!quiet) console.log(`        ${line}`);
};

const listen = (server: Server, port: number) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

async function main() {
  const layout = localLayout();
  const children = new Children();
  const servers: Server[] = [];
  let time: StackTime | undefined;
  let poller: StreamPoller | undefined;

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Support Access…');
    time?.stop();
    await poller?.stop().catch(() => undefined);
    for (const s of servers) s.closeAllConnections?.();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await children.stopAll();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    step(`Stage "${layout.stage.stage}", data in ${layout.dataDir}`);
    checkJava();
    await checkPorts(layout.ports);
    checkDataDir(layout.dataDir);
    // The platform's variables for everyone; each function's own only while its module loads
    // (every variable is read at cold start), so one reading another's variable fails here.
    const platform = { ...process.env, ...platformEnvironment(layout) };
    process.env = platform;
    const values = functionEnvironment(layout);

    step(`Starting DynamoDB Local on port ${layout.ports.dynamodb}…`);
    const db = await startDynamoDb(layout, children);
    step(`Table "${layout.tableName}": ${await ensureTable(db, layout.tableName)} (stream + TTL on)`);
    step(`Demo data: ${await seedDemoData(db, layout)} new item(s)`);

    step(`Starting the SES emulator on port ${layout.ports.mailbox}…`);
    await startSesEmulator(layout, children);
    const sesGate = createSesGate(layout.urls.mailbox, trace);
    await listen(sesGate, layout.ports.sesApi);
    servers.push(sesGate);

    step('Starting the customer and staff OIDC issuers…');
    servers.push(...(await startIdentityProviders(layout, new DynamoStore(createDocumentClient(db), layout.tableName))));

    await ensureLocalKey(values.SIGNING_KEY_FILE!);
    step('Loading the functions…');
    const handlers = {} as Record<FunctionName, Handler>;
    for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
      process.env = { ...platform, ...Object.fromEntries(localEnvironment(name).flatMap((k) => (values[k] !== undefined ? [[k, values[k]]] : []))) };
      try {
        handlers[name] = await loadHandler(name);
      } finally {
        process.env = platform;
      }
    }

    // One clock for the functions, the scheduler and the sweep; tests may move it on the test stage.
    const clockControl = process.env.SA_CLOCK_CONTROL === 'on';
    time = new StackTime(stackClock, clockControl, trace);
    const fireMode: FireMode = process.env.SA_SCHEDULER_FIRE === 'exact' ? 'exact' : 'random';
    const expire = new AsyncInvoker('expire', handlers.expire, stackClock, layout.dataDir, trace);
    const scheduler = new LocalScheduler(layout.dataDir, { expire }, stackClock, { group: values.SCHEDULE_GROUP!, fireMode }, trace);
    const control = time.control;
    // Test stage only: what Lambda's async invocations of expire did (attempts, on-failure records).
    const schedulerServer = scheduler.createServer(async (req, res, url) => {
      if (clockControl && url.pathname === '/__lambda/expire') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attempts: expire.attempts, failures: expire.failures(), waiting: expire.waiting() }));
        return true;
      }
      if (clockControl && url.pathname === '/__queue/webhooks') {
        if (req.method === 'POST') await queue.settle();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ depth: queue.depth(), invocations: queue.invocations.slice(-50) }));
        return true;
      }
      if (clockControl && url.pathname === '/__lambda/stream') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ failures: poller?.failures() ?? [] }));
        return true;
      }
      return control(req, res, url);
    });
    await listen(schedulerServer, layout.ports.scheduler);
    servers.push(schedulerServer);
    time.onTick('scheduler', () => scheduler.tick(), () => scheduler.nextFireAt());
    time.onFireMode((mode) => scheduler.setFireMode(mode));
    step(`Local scheduler on port ${layout.ports.scheduler} (${scheduler.list().length} schedule(s); fires within the minute${fireMode === 'exact' ? ', exactly at the at-time' : ''}${clockControl ? '; stack clock under test control' : ''})`);

    const queue = new LocalFifoQueue(layout.dataDir, WEBHOOK_QUEUE_NAME, handlers.webhooks, stackClock, trace);
    const queueServer = queue.createServer();
    await listen(queueServer, layout.ports.sqs);
    servers.push(queueServer);
    time.onTick('webhook-queue', () => queue.tick());
    const receiver = new WebhookReceiver({ [DEMO_WEBHOOK.path]: DEMO_WEBHOOK_SECRET });
    const receiverServer = receiver.createServer();
    await listen(receiverServer, layout.ports.webhooks);
    servers.push(receiverServer);
    step(`Webhook queue (SQS FIFO stand-in) on port ${layout.ports.sqs}, ${queue.depth().visible + queue.depth().invisible} message(s) waiting; webhook receiver on port ${layout.ports.webhooks}`);

    poller = new StreamPoller(db, layout.tableName, layout.dataDir, handlers.stream, trace);
    await poller.start();
    step('Stream poller reading the table stream');

    // The sweep's EventBridge rule, on the stack clock: every 5 minutes as in AWS (every minute on dev).
    const sweepSeconds = Number(process.env.SA_SWEEP_SECONDS ?? (layout.stage.stage === 'dev' ? 60 : 300));
    time.onTick(
      'sweep',
      periodic(stackClock, sweepSeconds * 1000, async () => {
        // Like Lambda, a run that outlives the function timeout is given up.
        const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 30 s')), 30_000).unref());
        const result = (await Promise.race([handlers.sweep!({}, lambdaContext('sweep')), timeout])) as { found: number };
        if (result.found) trace(`sweep: ${JSON.stringify(result)}`);
      }),
    );
    time.start();
    step(`Sweep every ${sweepSeconds}s (stack clock) for anything past its expiry`);

    const gateway = createGateway(handlers, { issuer: layout.urls.staffIssuer, audience: STAFF_CLIENT_ID, scopes: [layout.stage.staffScope] }, trace, undefined, { dir: values.AUDIT_EXPORT_DIR!, secret: values.EXPORT_LINK_SECRET! });
    await listen(gateway, layout.ports.gateway);
    servers.push(gateway);
    step(`Gateway on port ${layout.ports.gateway}`);

    console.log(`
Support Access is running (started in ${((Date.now() - started) / 1000).toFixed(1)}s).

  Customer portal   ${layout.urls.portal}/        sign in as ${DEMO_USERS.map((u) => u.email).join(', ')} (password: demo)
  Mailbox           ${layout.urls.mailbox}/        every email the product sends
  Webhooks          ${layout.urls.webhooks}/        every webhook posted locally (Acme's demo endpoint: ${layout.urls.webhooks}${DEMO_WEBHOOK.path}, secret ${DEMO_WEBHOOK_SECRET})
  Support API       ${layout.urls.portal}/support/orgs/acme/grants
  JWKS              ${layout.urls.portal}/.well-known/jwks.json
  Introspection     POST ${layout.urls.portal}/oauth/introspect   (product credentials for acme: ${DEMO_PRODUCT_CLIENTS[0]!.clientId} / ${DEMO_PRODUCT_CLIENTS[0]!.secret})
  Support CLI       npm run support -- login --as ${DEMO_AGENTS[0]!.email}     (agents: ${DEMO_AGENTS.map((a) => a.email).join(', ')}; then npm run support -- --help)
  Agent token       npm run token -- ${DEMO_AGENTS[0]!.email}     (a bare access token for curl)
  Platform admin    npm run admin -- list     (org provisioning, signed as the local platform admin)

Press Ctrl-C to stop.`);
  } catch (error) {
    console.error(error instanceof StartupError ? `Cannot start: ${error.message}` : error);
    await stop(1);
  }
}

void main();
