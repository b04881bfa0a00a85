import type * as z from 'zod/mini';
import { toJSONSchema } from 'zod/v4/core';
import { ROUTES, routeKeyOf } from '../http/routes';
import { GATEWAY_STATUSES, GatewayMessage, Problem, type Contract } from './contract';
import { CONTRACTS, type ApiRouteKey } from './index';

/**
 * The OpenAPI 3.1 document of the support, product and admin APIs, generated from the contracts
 * (served at GET /openapi.json, written by `npm run openapi`).
 */

type Json = Record<string, unknown>;

const TAGS = {
  agent: { name: 'support', description: "The vendor's support agents: cases, permission requests, case access, grants, \"log in as\" sessions." },
  product: { name: 'product', description: "The customer's product: verify session tokens (JWKS), introspect them, report what support did." },
  admin: { name: 'admin', description: "The vendor's platform admins: provision, change, suspend, resume and delete orgs." },
  public: { name: 'public', description: 'Public documents: signing keys and this description.' },
} as const;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad input: the problem names the field (`field`); nothing was written',
  401: 'Not signed in, or the credentials are not valid',
  403: 'Not allowed: the problem says which rule refused it',
  404: 'No such org, case, grant, session or route here',
  409: 'In conflict with the current state (already done, pending, or changed at the same time); nothing was written',
  413: 'The request is larger than API Gateway accepts',
  429: 'Throttled: try again later',
  431: 'The request line and headers are larger than API Gateway accepts (10,240 bytes)',
  500: 'Something went wrong on our side (quote the requestId)',
  502: 'The function failed or its response was too large',
  503: 'A dependency is unreachable right now; nothing was changed, try again',
  504: 'The request took longer than API Gateway waits (30 s)',
};

const SECURITY_SCHEMES = (staffScope: string) => ({
  agentJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: `An access token from the staff issuer carrying the scope \`${staffScope}\` (API Gateway's JWT authorizer checks issuer, audience or client_id, expiry and the scope). Get one with \`npm run support -- login\` or \`npm run token\` locally.`,
  },
  productBasic: {
    type: 'http',
    scheme: 'basic',
    description: "The org's product credentials (client id and secret, issued when the org is provisioned; only their hash is stored).",
  },
  sigv4: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'AWS Signature Version 4: requests signed with IAM credentials allowed `execute-api:Invoke` on the admin routes (API Gateway IAM authorization). OpenAPI has no SigV4 scheme, so it is described as an API key in the Authorization header; `npm run admin` signs for you.',
  },
});

/** A zod schema as JSON Schema, its named parts hoisted into `components.schemas`. */
function schemaOf(schema: z.ZodMiniType, io: 'input' | 'output', components: Json): Json {
  const { $schema: _, $defs, ...rest } = toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Json & { $defs?: Json };
  const rewrite = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  for (const [name, def] of Object.entries($defs ?? {})) components[name] ??= rewrite(def);
  return rewrite(rest);
}

/** `POST /support/orgs/{orgId}/cases` → `postSupportOrgsOrgIdCases`: unique, as the route keys are. */
const operationIdOf = (key: string) =>
  key
    .split(/[^a-z0-9]+/i)
    .filter(Boolean)
    .map((word, i) => (i === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1)))
    .join('');

function parametersOf(contract: Contract, path: string, components: Json): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [['path', contract.params], ['query', contract.query]] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input', components) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property;
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest });
    }
  }
  if (out.filter((p) => p.in === 'path').length !== (path.match(/\{/g) ?? []).length) throw new Error(`The contract of ${path} does not declare every path parameter.`);
  return out;
}

function operationOf(key: ApiRouteKey, contract: Contract, staffScope: string, components: Json): Json {
  const path = key.slice(key.indexOf(' ') + 1);
  const responses: Json = {};
  for (const [status, answer] of Object.entries(contract.responses())) {
    const example = Number(status) === contract.example.status ? { example: contract.example.response } : {};
    responses[status] = {
      description: answer.description,
      ...(answer.headers ? { headers: Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name, { description: `e.g. ${value}`, schema: { type: 'string' } }])) } : {}),
      content: { 'application/json': { schema: schemaOf(answer.schema, 'output', components), ...example } },
    };
  }
  for (const status of problemStatuses(contract)) responses[status] = { $ref: `#/components/responses/Status${status}` };
  const security = { agent: [{ agentJwt: [staffScope] }], product: [{ productBasic: [] }], admin: [{ sigv4: [] }], public: [] }[contract.security];
  return {
    operationId: operationIdOf(key),
    summary: contract.summary,
    ...(contract.description ? { description: contract.description } : {}),
    tags: [TAGS[contract.security].name],
    security,
    ...(contract.params || contract.query ? { parameters: parametersOf(contract, path, components) } : {}),
    ...requestBodyOf(contract, components),
    responses,
  };
}

function requestBodyOf(contract: Contract, components: Json): Json {
  if (!contract.body) return {};
  const schema = schemaOf(contract.body, 'input', components) as { properties?: Json; required?: string[] };
  if (!Object.keys(schema.properties ?? {}).length) return {};
  const example = contract.example.request === undefined ? {} : { example: contract.example.request };
  return { requestBody: { required: Boolean(schema.required?.length), content: { [contract.bodyMedia ?? 'application/json']: { schema, ...example } } } };
}

/** Every status an operation may answer with besides its successes: its own problems, the authorizer's and API Gateway's. */
export function problemStatuses(contract: Contract): number[] {
  const authorizer = contract.security === 'agent' ? [401, 403] : contract.security === 'admin' ? [403] : [];
  return [...new Set([...contract.problems, ...authorizer, ...GATEWAY_STATUSES])].sort((a, b) => a - b);
}

export function openApiDocument(options: { staffScope: string; version?: string }): Json {
  const schemas: Json = {};
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const key = routeKeyOf(route) as ApiRouteKey;
    const contract = (CONTRACTS as Record<string, Contract>)[key];
    if (!contract) continue;
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(key, contract, options.staffScope, schemas);
  }
  const problem = schemaOf(Problem(), 'output', schemas);
  const gateway = schemaOf(GatewayMessage(), 'output', schemas);
  const statuses = [...new Set(Object.values(CONTRACTS).flatMap((c) => problemStatuses(c as Contract)))].sort((a, b) => a - b);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Support Access',
      version: options.version ?? '1.0.0',
      description:
        "Temporary, scoped, consented and audited support access to customer accounts. The support API is for the vendor's agents, the product API for the customer's product, the admin API for the vendor's platform admins. Errors are RFC 9457 problem details (`application/problem+json`); API Gateway's own refusals are `{\"message\"}`.",
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The stage the document was fetched from' }],
    tags: Object.values(TAGS),
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES(options.staffScope),
      schemas,
      responses: Object.fromEntries(
        statuses.map((status) => [`Status${status}`, { description: STATUS_TEXT[status] ?? `Status ${status}`, content: { 'application/problem+json': { schema: problem }, 'application/json': { schema: gateway } } }]),
      ),
    },
  };
}
