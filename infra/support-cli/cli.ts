#!/usr/bin/env -S npx tsx
/**
 * The support agent's CLI: `npm run support -- <command>`. Signs in at the staff issuer
 * (authorization code + PKCE, loopback redirect) and calls the support API with the access token,
 * refreshing it as needed. Local stages (dev, test) need no set-up; a deployed stage is set up by
 * its first `login --api … --issuer … --client-id …`.
 */
import { Command, Option } from 'commander';
import { decodeJwt } from 'jose';
import { discover } from './oidc-client';
import { apiCall } from './api';
import { ago, relative, table } from './format';
import { loopbackLogin } from './login';
import { clientOf, CliError, forgetTokens, isLocal, resolveProfile, saveProfile, stageSettings, type Profile } from './profiles';
import { agentTokens } from '../local/token';

type Json = Record<string, any>;
interface Globals {
  stage: string;
  api?: string;
  json?: boolean;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);
const path = (...parts: string[]) => `/${parts.map(encodeURIComponent).join('/')}`;
const orgPath = (org: string, ...rest: string[]) => path('support', 'orgs', org, ...rest);

function profileOf(command: Command): Profile {
  const g = command.optsWithGlobals<Globals & { issuer?: string; clientId?: string }>();
  return resolveProfile(g.stage, { api: g.api, issuer: g.issuer, clientId: g.clientId });
}

/** Prints the API's answer as JSON (`--json`) or as the command's human view. */
function show(command: Command, body: Json, human: (body: Json, now: Date) => string): void {
  out(command.optsWithGlobals<Globals>().json ? JSON.stringify(body, null, 2) : human(body, new Date()));
}

const grantRows = (grants: Json[], now: Date) =>
  grants.map((g) => ({
    id: g.grantId,
    kind: g.kind,
    level: g.level,
    where: `${g.environment} · ${Array.isArray(g.workspaces) ? g.workspaces.join(', ') : 'all workspaces'}`,
    actAs: g.actAs?.email ?? g.actAs ?? '',
    ends: relative(g.expiresAt, now),
  }));

const grantLine = (g: Json, now: Date) => `Grant ${g.grantId}: ${g.level} in ${g.environment}, ${relative(g.expiresAt, now)}${g.personnel ? `; agents: ${g.personnel.join(', ')}` : ''}`;

function caseDetails(c: Json, access: Json | undefined, now: Date): string {
  const lines = [
    `Case ${c.caseId} (${c.status}) — ${c.subject}`,
    `  contact       ${c.contact}`,
    `  environment   ${c.environment}`,
    `  remote access ${c.remoteAccess}`,
    `  opened        ${ago(c.createdAt, now)} (${c.createdAt})`,
  ];
  if (access) lines.push(`  access now    ${access.allowed ? `allowed through grant ${access.grantId}, ${relative(access.expiresAt, now)}` : `${access.reason}: ${access.message}`}`);
  if (c.history?.length) {
    lines.push('  history');
    for (const h of c.history as Json[]) lines.push(`    ${ago(h.at, now).padEnd(16)} ${h.by}: remote access ${h.from ? `${h.from} → ` : ''}${h.to}`);
  }
  return lines.join('\n');
}

const requestLine = (r: Json, now: Date) =>
  `${r.kind === 'change' ? 'Change request' : 'Access request'} ${r.requestId} is ${r.status}; asked of ${(r.askedOf ?? []).join(', ') || 'the case contact'}; ${relative(r.expiresAt, now, { future: 'expires in', past: 'expired' })}.`;

export function program(): Command {
  const cli = new Command('support')
    .description('Support Access for agents: sign in, see grants and cases, ask for access, start "log in as" sessions.')
    .addOption(new Option('--stage <name>', 'the stack: dev and test are the local stacks; others are set up by their first login').default(process.env.SA_STAGE ?? 'dev'))
    .option('--api <url>', "the support API's URL (the stack's PortalUrl); saved by login")
    .option('--json', 'print the API response as JSON (for scripts)')
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Examples:
  npm run support -- login                                   sign in (browser) to the local stack
  npm run support -- login --as alex@vendor.test             local stack: sign in as a demo agent, no browser
  npm run support -- login --stage prod --api https://… --issuer https://… --client-id …
  npm run support -- whoami
  npm run support -- grants org-acme
  npm run support -- access org-acme --level admin --environment production
  npm run support -- session org-acme g-123 --justification "Case 42: reproduce the export bug" --export
  npm run support -- end-session s-123
  npm run support -- cases org-acme --status all
  npm run support -- case org-acme c-123
  npm run support -- request-access org-acme c-123 --justification "Need to see the failing import"
  npm run support -- activate org-acme c-123 --justification "Customer allowed remote access"
  npm run support -- resolve org-acme c-123
  npm run support -- add-agent org-acme g-123 bea@vendor.test
  npm run support -- change-request org-acme c-123 --grant g-123 --until 2026-12-01T18:00:00Z --description "Re-run the failed import"
  npm run support -- logout

Exit status: 0 done; 1 refused (the API's reason is printed); 2 bad usage; 3 not signed in.
Tokens are kept per stage in ${'$'}SA_CONFIG_DIR (default ~/.config/support-access), readable by you alone.`,
    );

  cli
    .command('login')
    .description('sign in at the staff issuer (browser, authorization code + PKCE) and keep the tokens for this stage')
    .option('--as <email>', 'local stacks only: sign in as this demo agent without a browser')
    .option('--no-browser', 'print the sign-in URL instead of opening the browser')
    .option('--issuer <url>', "the staff issuer (the stack's StaffIssuerUrl output)")
    .option('--client-id <id>', "the staff client (the stack's StaffClientId output)")
    .action(async (options: { as?: string; browser: boolean }, command: Command) => {
      const profile = profileOf(command);
      const client = clientOf(profile);
      if (options.as) {
        if (!isLocal(profile)) throw new CliError('--as signs in with the demo password and works only against a local stack (stages dev and test).', 2);
        profile.tokens = await agentTokens(client, options.as.trim().toLowerCase()).catch((error: unknown) => {
          throw new CliError(`Could not sign in as ${options.as}: ${error instanceof Error ? error.message : String(error)} (is npm start running?)`);
        });
      } else {
        profile.tokens = await loopbackLogin(await discover(profile.issuer), client, { browser: options.browser, say: note });
      }
      saveProfile(profile);
      const claims = decodeJwt(profile.tokens.accessToken);
      out(`Signed in to stage ${profile.stage} as ${String(claims[stageSettings(profile.stage).staffEmailClaim] ?? claims.sub)}; the token ${relative(new Date(profile.tokens.expiresAt * 1000).toISOString(), new Date())}${profile.tokens.refreshToken ? ' and is refreshed as needed' : ''}.`);
    });

  cli
    .command('logout')
    .description("forget this stage's tokens")
    .action((_options: unknown, command: Command) => {
      const profile = profileOf(command);
      out(forgetTokens(profile) ? `Signed out of stage ${profile.stage}.` : `Not signed in to stage ${profile.stage}.`);
    });

  cli
    .command('whoami')
    .description('who you are signed in as, on which stack, and until when')
    .action((_options: unknown, command: Command) => {
      const profile = profileOf(command);
      if (!profile.tokens) throw new CliError(`Not signed in to stage ${profile.stage}: run npm run support -- login --stage ${profile.stage}`, 3);
      const claims = decodeJwt(profile.tokens.accessToken);
      const email = claims[stageSettings(profile.stage).staffEmailClaim];
      const body = { stage: profile.stage, api: profile.api, issuer: profile.issuer, email, sub: claims.sub, scope: claims.scope, expiresAt: new Date(profile.tokens.expiresAt * 1000).toISOString() };
      show(command, body, (b, now) => `${b.email} (${b.sub}) on stage ${b.stage}\n  API     ${b.api}\n  issuer  ${b.issuer}\n  token   ${relative(b.expiresAt, now)}`);
    });

  cli
    .command('grants <org>')
    .description('the grants of an org you may use now')
    .action(async (org: string, _options: unknown, command: Command) => {
      const body = await apiCall<Json>(profileOf(command), 'GET', orgPath(org, 'grants'));
      show(command, body, (b, now) =>
        table(grantRows(b.grants, now), [['id', 'GRANT'], ['kind', 'KIND'], ['level', 'LEVEL'], ['where', 'WHERE'], ['actAs', 'ACTS AS'], ['ends', 'ENDS']], `No grant of ${org} gives you access now.`),
      );
    });

  cli
    .command('access <org>')
    .description('may you act at this level, in this workspace and environment, right now? (exit 1 when not)')
    .requiredOption('--level <level>', 'monitor, manage or admin')
    .option('--workspace <name>', 'a workspace of the org')
    .option('--environment <name>', 'production or sandbox', 'production')
    .action(async (org: string, options: { level: string; workspace?: string; environment: string }, command: Command) => {
      const query = new URLSearchParams({ level: options.level, environment: options.environment, ...(options.workspace ? { workspace: options.workspace } : {}) });
      const body = await apiCall<Json>(profileOf(command), 'GET', `${orgPath(org, 'access')}?${query}`);
      show(command, body, (b, now) => (b.allowed ? `Allowed through grant ${b.grantId} (${b.kind}, ${b.level}), ${relative(b.expiresAt, now)}.` : `Not allowed (${b.reason}): ${b.message}`));
      if (!body.allowed) process.exitCode = 1;
    });

  cli
    .command('session <org> <grant>')
    .description('start a "log in as" session through a grant; prints its token')
    .requiredOption('--justification <text>', 'why you need to log in (shown to the customer)')
    .option('--case <id>', 'the case this session is for')
    .option('--export', 'print shell lines setting SA_SESSION_TOKEN and SA_SESSION_ID')
    .action(async (org: string, grant: string, options: { justification: string; case?: string; export?: boolean }, command: Command) => {
      const body = await apiCall<Json>(profileOf(command), 'POST', orgPath(org, 'grants', grant, 'sessions'), { justification: options.justification, ...(options.case ? { caseId: options.case } : {}) });
      if (command.optsWithGlobals<Globals>().json) return show(command, body, () => '');
      const now = new Date();
      note(`Session ${body.sessionId} as ${body.actAs?.email ?? body.actAs ?? 'the granting user'} (${body.scope}), ${relative(body.expiresAt, now)}.${body.refusedScopes ? ` Not included: ${Object.keys(body.refusedScopes).join(', ')}.` : ''} End it with: npm run support -- end-session ${body.sessionId}`);
      out(options.export ? `export SA_SESSION_TOKEN='${body.token}'\nexport SA_SESSION_ID='${body.sessionId}'` : body.token);
    });

  cli
    .command('end-session <id>')
    .description('end one of your sessions now (its token stops working)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const body = await apiCall<Json>(profileOf(command), 'DELETE', path('support', 'sessions', id));
      show(command, body, () => `Session ${body.sessionId} is ${body.status}.`);
    });

  cli
    .command('cases <org>')
    .description("an org's cases, newest first (open ones unless --status)")
    .option('--status <status>', 'open, solved or all', 'open')
    .option('--limit <n>', 'cases per page (1–100)', '25')
    .option('--after <case>', 'the page after this case (printed at the end of a page)')
    .action(async (org: string, options: { status: string; limit: string; after?: string }, command: Command) => {
      const query = new URLSearchParams({ status: options.status, limit: options.limit, ...(options.after ? { after: options.after } : {}) });
      const body = await apiCall<Json>(profileOf(command), 'GET', `${orgPath(org, 'cases')}?${query}`);
      show(command, body, (b, now) => {
        const rows = (b.cases as Json[]).map((c) => ({ id: c.caseId, status: c.status, remote: c.remoteAccess, opened: ago(c.createdAt, now), contact: c.contact, subject: c.subject }));
        const listed = table(rows, [['id', 'CASE'], ['status', 'STATUS'], ['remote', 'REMOTE ACCESS'], ['opened', 'OPENED'], ['contact', 'CONTACT'], ['subject', 'SUBJECT']], `No ${options.status === 'all' ? '' : `${options.status} `}cases in ${org}.`);
        return b.next ? `${listed}\nMore: npm run support -- cases ${org} --status ${options.status} --after ${b.next}` : listed;
      });
    });

  cli
    .command('case <org> <id>')
    .description('one case: its state, whether you have access now, and its history')
    .action(async (org: string, id: string, _options: unknown, command: Command) => {
      const profile = profileOf(command);
      const [c, access] = await Promise.all([apiCall<Json>(profile, 'GET', orgPath(org, 'cases', id)), apiCall<Json>(profile, 'GET', orgPath(org, 'cases', id, 'access'))]);
      show(command, { case: c, access }, (b, now) => caseDetails(b.case, b.access, now));
    });

  cli
    .command('request-access <org> <case>')
    .description('ask the case contact (and authorized contacts) for access to a denied case')
    .requiredOption('--justification <text>', 'why you need access (shown in the approval email)')
    .action(async (org: string, caseId: string, options: { justification: string }, command: Command) => {
      const body = await apiCall<Json>(profileOf(command), 'POST', orgPath(org, 'cases', caseId, 'access-requests'), { justification: options.justification });
      show(command, body, requestLine);
    });

  cli
    .command('activate <org> <case>')
    .description('start access for a case whose remote access is allowed')
    .option('--justification <text>', 'why (recorded with the grant)')
    .action(async (org: string, caseId: string, options: { justification?: string }, command: Command) => {
      const body = await apiCall<Json>(profileOf(command), 'POST', orgPath(org, 'cases', caseId, 'activate'), options.justification ? { justification: options.justification } : {});
      show(command, body, grantLine);
    });

  cli
    .command('resolve <org> <case>')
    .description('mark a case solved; access that existed only for it ends')
    .action(async (org: string, caseId: string, _options: unknown, command: Command) => {
      const body = await apiCall<Json>(profileOf(command), 'POST', orgPath(org, 'cases', caseId, 'resolve'));
      show(command, body, (b) => `Case ${b.case.caseId} is ${b.case.status}.${b.endedGrants.length ? ` Ended: ${b.endedGrants.join(', ')}.` : ''}`);
    });

  cli
    .command('add-agent <org> <grant> <email>')
    .description('let a colleague use a case grant you hold')
    .action(async (org: string, grant: string, email: string, _options: unknown, command: Command) => {
      const body = await apiCall<Json>(profileOf(command), 'POST', orgPath(org, 'grants', grant, 'personnel'), { email });
      show(command, body, grantLine);
    });

  cli
    .command('change-request <org> <case>')
    .description('ask for written approval before changing data or configuration')
    .requiredOption('--grant <id>', 'the grant the change will be made through')
    .requiredOption('--until <time>', 'when the approval lapses (ISO 8601, e.g. 2026-12-01T18:00:00Z)')
    .requiredOption('--description <text>', 'exactly what you will change')
    .action(async (org: string, caseId: string, options: { grant: string; until: string; description: string }, command: Command) => {
      const body = await apiCall<Json>(profileOf(command), 'POST', orgPath(org, 'cases', caseId, 'change-requests'), { grantId: options.grant, until: options.until, description: options.description });
      show(command, body, requestLine);
    });

  return cli;
}

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CliError) {
      note(error.message);
      process.exitCode = error.exitCode;
      return;
    }
    note(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/support-access')) void main();
