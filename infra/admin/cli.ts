/**
 * The platform admin's CLI: `npm run admin -- <command>`. Against the local stack (`npm start`)
 * by default, signed with the local platform admin; with `--url` (the stack's AdminApiUrl
 * output), signed with your own AWS credentials, which API Gateway's IAM authorization checks.
 */
import { parseArgs } from 'node:util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { localLayout } from '../local/layout';
import { LOCAL_PLATFORM_ADMIN } from '../local/iam-authorizer';
import { signRequest } from './sigv4';

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  list                                  every org: id, name, plan, environments, status
  show <orgId>                          one org
  create --name <name> --plan <paid|free|trial> --environments <production[,sandbox]>
         --admin-email <email> [--admin-name <name>] [--workspaces <a,b,c>]
                                        creates the org, its first admin and its product
                                        credentials (the secret is printed once)
  change <orgId> [--plan <plan>] [--environments <list>]
                                        grants the org can no longer have end
  suspend <orgId>                       every grant ends; no new ones until resumed
  resume <orgId>                        lifts a suspension
  delete <orgId> --yes                  exports the audit trail, then removes the org's data

Options:
  --url <AdminApiUrl>   the deployed API (stack output); default: the local stack
  --region <region>     signing region in AWS (default: from the URL, else AWS_REGION)
  --json                print the raw JSON response`;

const OPTIONS = {
  url: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  yes: { type: 'boolean' },
  name: { type: 'string' },
  plan: { type: 'string' },
  environments: { type: 'string' },
  workspaces: { type: 'string' },
  'admin-email': { type: 'string' },
  'admin-name': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

const list = (value: string | undefined) => value?.split(',').map((s) => s.trim()).filter(Boolean);

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** The HTTP call a command makes. */
function requestFor(command: string | undefined, orgId: string | undefined, values: Values): { method: string; path: string; body?: unknown } {
  const needOrg = () => {
    if (!orgId) throw new UsageError(`${command} needs an org id.`);
    return `/admin/orgs/${encodeURIComponent(orgId)}`;
  };
  switch (command) {
    case 'list':
      return { method: 'GET', path: '/admin/orgs' };
    case 'show':
      return { method: 'GET', path: needOrg() };
    case 'create':
      return {
        method: 'POST',
        path: '/admin/orgs',
        body: {
          name: values.name,
          plan: values.plan,
          environments: list(values.environments),
          firstAdminEmail: values['admin-email'],
          ...(values['admin-name'] ? { firstAdminName: values['admin-name'] } : {}),
          ...(values.workspaces ? { workspaces: list(values.workspaces) } : {}),
        },
      };
    case 'change':
      return { method: 'PATCH', path: needOrg(), body: { ...(values.plan ? { plan: values.plan } : {}), ...(values.environments ? { environments: list(values.environments) } : {}) } };
    case 'suspend':
      return { method: 'POST', path: `${needOrg()}/suspend` };
    case 'resume':
      return { method: 'POST', path: `${needOrg()}/resume` };
    case 'delete':
      if (!values.yes) throw new UsageError(`delete removes the org's data for good (its audit trail is exported first); add --yes to go ahead.`);
      return { method: 'DELETE', path: needOrg() };
    default:
      throw new UsageError(command ? `Unknown command "${command}".` : 'Name a command.');
  }
}

interface OrgView {
  orgId: string;
  name: string;
  plan: string;
  environments: string[];
  status: string;
}

const orgLine = (o: OrgView) => `${o.orgId.padEnd(36)} ${o.name.padEnd(30)} ${o.plan.padEnd(6)} ${o.environments.join(',').padEnd(20)} ${o.status}`;

/** What a person reads after each command. */
function describe(command: string, body: Record<string, unknown>): string {
  const org = body.org as OrgView | undefined;
  switch (command) {
    case 'list': {
      const orgs = body.orgs as OrgView[];
      return [`${'ORG ID'.padEnd(36)} ${'NAME'.padEnd(30)} ${'PLAN'.padEnd(6)} ${'ENVIRONMENTS'.padEnd(20)} STATUS`, ...orgs.map(orgLine), `${orgs.length} org(s).`].join('\n');
    }
    case 'create': {
      const creds = body.productCredentials as { clientId: string; clientSecret: string };
      const admin = body.firstAdmin as { email: string };
      return [
        `Created ${org!.name} (${org!.orgId}), plan ${org!.plan}, environments ${org!.environments.join(', ')}.`,
        `First admin: ${admin.email} (a welcome email is on its way).`,
        '',
        'Product credentials for introspection and activity reports. The secret is shown ONLY NOW; store it in the product\'s secret store:',
        `  client id:     ${creds.clientId}`,
        `  client secret: ${creds.clientSecret}`,
      ].join('\n');
    }
    case 'delete': {
      const exp = body.auditExport as { location: string; events: number; chainIntact: boolean };
      return [
        `Deleted ${body.orgId}: ${body.grantsEnded} grant(s) ended, ${body.itemsRemoved} item(s) removed.`,
        `Audit trail (${exp.events} events, chain ${exp.chainIntact ? 'intact' : 'BROKEN'}) exported to ${exp.location}; it also stays in the table.`,
      ].join('\n');
    }
    default:
      return [orgLine(org!), ...(typeof body.grantsEnded === 'number' && body.grantsEnded > 0 ? [`${body.grantsEnded} grant(s) ended.`] : [])].join('\n');
  }
}

/** The region an execute-api URL lives in. */
const regionOf = (url: URL) => /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: OPTIONS, allowPositionals: true });
  const [command, orgId] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const call = requestFor(command, orgId, values);
  const local = !values.url;
  const base = new URL(values.url ?? localLayout().urls.portal);
  const url = new URL(base.pathname.replace(/\/$/, '') + call.path, base);
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const region = local ? LOCAL_PLATFORM_ADMIN.region : (values.region ?? regionOf(base) ?? process.env.AWS_REGION);
  if (!region) throw new UsageError('Pass --region: it is not in the URL and AWS_REGION is not set.');
  const credentials = local ? LOCAL_PLATFORM_ADMIN : defaultProvider();
  const send = async () => {
    const headers = await signRequest({ method: call.method, url, headers: body ? { 'content-type': 'application/json' } : {}, body }, credentials, region);
    // fetch sets Host itself, from the same URL.
    const { host: _host, ...sendHeaders } = headers;
    const response = await fetch(url, { method: call.method, headers: sendHeaders, body });
    const text = await response.text();
    return { response, text, parsed: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  let { response, text, parsed } = await send();
  // A deletion answers 202 while it goes on; each DELETE continues it, so repeat until it is done.
  while (response.status === 202 && command === 'delete') {
    console.error(`Deleting ${parsed.orgId}: ${parsed.phase}, ${parsed.grantsEnded} grant(s) ended, ${parsed.itemsRemoved} item(s) removed so far…`);
    ({ response, text, parsed } = await send());
  }
  if (!response.ok) {
    const field = parsed.field ? ` (field: ${parsed.field})` : '';
    console.error(`Error ${response.status}${field}: ${parsed.detail ?? parsed.message ?? text}`);
    return 1;
  }
  console.log(values.json ? JSON.stringify(parsed, null, 2) : describe(command, parsed));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    const text = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
    console.error(/ECONNREFUSED|fetch failed/.test(text) ? 'Cannot reach the admin API: start the local stack with npm start, or pass --url for AWS.' : text);
    process.exit(1);
  },
);
