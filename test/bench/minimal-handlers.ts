import { createHash, timingSafeEqual } from 'node:crypto';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { documentClient } from '../../shared/adapters/runtime';
import { signerFromEnv } from '../../shared/adapters/signer-runtime';
import { activeGrantsOfOrg, grantKey } from '../../shared/adapters/dynamodb/keys/grant';
import { productClientKey } from '../../shared/adapters/dynamodb/keys/product-client';
import { sessionKey } from '../../shared/adapters/dynamodb/keys/session';
import { TABLE } from '../../shared/adapters/dynamodb/table-definition';
import { decideAccess } from '../../shared/domain/access-decision';
import type { Environment, Grant, Level, ProductClient, Session } from '../../shared/domain/model';

/**
 * The floor our hot paths are measured against: handlers that give the same answers with only
 * the physically necessary work — the same SDK client, the same authorizer in front, and the
 * store round trips the answer needs (the access decision: one Query; introspection: one
 * BatchGetItem of client, session and grant with consistent reads, after the token's signature
 * is checked in memory) — but no middleware, no validation library, no logger, no domain layers.
 */

const table = process.env.TABLE_NAME!;
const json = (statusCode: number, body: unknown) => ({ statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) });

type JwtEvent = APIGatewayProxyEventV2 & { requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } } };

/** GET /support/orgs/{orgId}/access: one Query of the org's active grants, the same decision. */
export async function minimalAccessDecision(event: APIGatewayProxyEventV2) {
  const claims = (event as JwtEvent).requestContext.authorizer!.jwt!.claims!;
  const orgId = event.pathParameters!.orgId!;
  const q = event.queryStringParameters ?? {};
  const query = { level: q.level as Level, environment: (q.environment ?? 'production') as Environment, ...(q.workspace ? { workspace: q.workspace } : {}) };
  const now = new Date();
  const index = TABLE.indexes.activeByOrg;
  const out = await documentClient.send(
    new QueryCommand({
      TableName: table,
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND #sk > :now',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': activeGrantsOfOrg(orgId), ':now': now.toISOString() },
    }),
  );
  const agent = { id: String(claims.sub), email: String(claims[process.env.STAFF_EMAIL_CLAIM!]).toLowerCase() };
  return json(200, { ...query, decidedAt: now.toISOString(), ...decideAccess((out.Items ?? []) as Grant[], agent, query, now) });
}

const signer = signerFromEnv();
let keys: ReturnType<typeof createLocalJWKSet> | undefined;

/** POST /oauth/introspect: the signature in memory, then one BatchGetItem of client, session and grant. */
export async function minimalIntrospection(event: APIGatewayProxyEventV2) {
  const [clientId, secret] = Buffer.from((event.headers.authorization ?? '').slice(6), 'base64').toString('utf8').split(':').map(decodeURIComponent);
  const token = new URLSearchParams(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '')).get('token') ?? '';
  keys ??= createLocalJWKSet(await signer.publicJwks());
  const now = new Date();
  const { payload } = await jwtVerify(token, keys, { issuer: process.env.TOKEN_ISSUER, audience: process.env.TOKEN_AUDIENCE, algorithms: ['ES256'] });
  const claims = payload as { org: string; grant: string; jti: string; sub: string };
  const wanted = [productClientKey(clientId!), sessionKey(claims.org, claims.grant, claims.jti), grantKey(claims.org, claims.grant)];
  const out = await documentClient.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: wanted, ConsistentRead: true } } }));
  const items = out.Responses?.[table] ?? [];
  const find = <T>(key: { pk: string; sk: string }) => items.find((i) => i.pk === key.pk && i.sk === key.sk) as T | undefined;
  const client = find<ProductClient>(wanted[0]!);
  const session = find<Session>(wanted[1]!);
  const grant = find<Grant>(wanted[2]!);
  if (!client || !timingSafeEqual(createHash('sha256').update(secret!).digest(), Buffer.from(client.secretHash, 'hex'))) return json(401, { message: 'unauthenticated' });
  const t = now.getTime();
  const live = claims.org === client.orgId && session?.status === 'active' && t < Date.parse(session.expiresAt) && grant?.status === 'active' && t < Date.parse(grant.expiresAt);
  return json(200, live ? { active: true, token_type: 'Bearer', client_id: client.clientId, username: claims.sub, ...payload } : { active: false });
}
