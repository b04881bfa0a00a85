import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandOutput, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { chainEvent, GENESIS_HASH, type AuditEvent } from '../../domain/audit';
import { ConcurrentChangeError } from '../../domain/errors';
import type { AccessRequest, ApprovalToken, Case, Grant, Org, OrgDeletion, PortalSession, ProductClient, Session, UserProfile } from '../../domain/model';
import { PORTAL_SESSION_PREFIX, portalSessionKey } from './keys/portal-session';
import type { CasePage, Change, Expect, ReadTogether, ReadTogetherResult, Store, Write } from '../../ports/store';
import { approvalTokenKey } from './keys/approval-token';
import { CASE_PREFIX, caseKey } from './keys/case';
import { requestKey } from './keys/request';
import { auditHeadKey, auditPartition, AUDIT_EVENT_PREFIX } from './keys/audit';
import { activeGrantsOfOrg, expiryShardKey, grantKey } from './keys/grant';
import { deletionKey, ORG_DIRECTORY, orgKey, orgNameKey, orgPartition } from './keys/org';
import { SESSION_PREFIX, sessionKey, sessionRefKey, sessionsOfGrantPrefix } from './keys/session';
import { productClientKey } from './keys/product-client';
import { userKey } from './keys/user';
import { auditItem, caseItem, deletionItem, fromItem, grantItem, newOrgItems, noticeItem, orgItem, ownedKeys, portalSessionItem, productClientItems, requestItem, sessionItem, sessionRefItem, tokenItem, userItems, webhookEndpointItem } from './items';
import { webhookEndpointKey } from './keys/webhook';
import { EXPIRY_SHARDS, TABLE } from './table-definition';
import { batchDelete, batchGet, pause } from './batches';
import type { ExpiryTarget } from '../../ports/scheduler';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limit of items in one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

/** Query rounds one page of cases may take (100 items each). */
const CASE_PAGE_ROUNDS = 10;

/** How many items a change is in DynamoDB: its entities (a new session brings its pointer), the chain head, events, notices. */
export function transactionItems(change: Change): number {
  return change.writes.flatMap(entityItems).length + 1 + change.audit.length + change.notices.length;
}

/** Attempts at appending to a contended audit chain before giving up. */
const MAX_COMMIT_ATTEMPTS = 30;

/** The DynamoDB adapter behind the `Store` port: one function per access pattern, no Scan. */
export class DynamoStore implements Store {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getOrg(orgId: string): Promise<Org | undefined> {
    return this.get<Org>(orgKey(orgId));
  }

  async findOrgByName(name: string): Promise<string | undefined> {
    return (await this.get<{ orgId: string }>(orgNameKey(name)))?.orgId;
  }

  async listOrgs(): Promise<Org[]> {
    const entries = await this.queryRaw({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': ORG_DIRECTORY } });
    const orgs = await this.batchGet(entries.map((e) => orgKey(String(e.orgId))));
    const byId = new Map(orgs.map((item) => [String(item.orgId), fromItem<Org>(item)!]));
    // Directory order is name order; an entry whose org is gone is skipped.
    return entries.flatMap((e) => byId.get(String(e.orgId)) ?? []);
  }

  async removeOrgData(orgId: string, maxItems: number): Promise<{ removed: number; done: boolean }> {
    const org = await this.getOrg(orgId);
    if (!org) return { removed: 0, done: true };
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': orgPartition(orgId) },
        ProjectionExpression: 'pk, sk, #type, email, clientId, sessionId',
        ExpressionAttributeNames: { '#type': 'type' },
        // One more than a page, so a page holding the org item still holds every other item left.
        Limit: maxItems + 1,
        ConsistentRead: true,
      }),
    );
    const items = (out.Items ?? []).filter((item) => item.sk !== orgKey(orgId).sk);
    const keys = items.flatMap((item) => [{ pk: String(item.pk), sk: String(item.sk) }, ...ownedKeys(item)]);
    await this.batchDelete(keys);
    if (items.length) return { removed: keys.length, done: false };
    // The org item and its name go last, so an interrupted delete can simply be run again.
    await this.batchDelete([orgKey(orgId), orgNameKey(org.name)]);
    return { removed: 2, done: true };
  }

  async getDeletion(orgId: string): Promise<OrgDeletion | undefined> {
    return this.get<OrgDeletion>(deletionKey(orgId));
  }

  async getUser(email: string): Promise<UserProfile | undefined> {
    return this.get<UserProfile>(userKey(email));
  }

  async getUserAndPortalSession(email: string, sid: string, orgId?: string): Promise<{ user?: UserProfile; session?: PortalSession; org?: Org }> {
    const keys = { user: userKey(email), session: portalSessionKey(email, sid), ...(orgId ? { org: orgKey(orgId) } : {}) };
    const items = await this.batchGet(Object.values(keys));
    const find = <T>(key?: { pk: string; sk: string }) => fromItem<T>(key && items.find((i) => i.pk === key.pk && i.sk === key.sk));
    return { user: find<UserProfile>(keys.user), session: find<PortalSession>(keys.session), org: find<Org>(keys.org) };
  }

  async listPortalSessions(email: string): Promise<PortalSession[]> {
    return this.query<PortalSession>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userKey(email).pk, ':prefix': PORTAL_SESSION_PREFIX },
      ConsistentRead: true,
    });
  }

  async touchPortalSession(email: string, sid: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: portalSessionKey(email, sid),
          UpdateExpression: 'SET lastSeenAt = :at',
          ConditionExpression: '#status = :active AND lastSeenAt < :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': at, ':active': 'active' },
        }),
      );
    } catch (error) {
      // Ended or touched by a concurrent request meanwhile: nothing to do.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async getGrant(orgId: string, grantId: string): Promise<Grant | undefined> {
    return this.get<Grant>(grantKey(orgId, grantId));
  }

  async listActiveGrants(orgId: string, now: Date): Promise<Grant[]> {
    const index = TABLE.indexes.activeByOrg;
    return this.query<Grant>({
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND #sk > :now',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': activeGrantsOfOrg(orgId), ':now': now.toISOString() },
    });
  }

  async listDueGrants(orgId: string, now: Date, limit: number): Promise<Grant[]> {
    const index = TABLE.indexes.activeByOrg;
    // The index's sort key is `<expiresAt>#<grantId>`: `$` sorts right after `#`, so "< now$" is
    // every expiry up to and including now. One page: the caller asks for a bounded batch.
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND #sk < :due',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': activeGrantsOfOrg(orgId), ':due': `${now.toISOString()}$` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => fromItem<Grant>(item) as Grant);
  }

  async listSessionsOfGrant(orgId: string, grantId: string): Promise<Session[]> {
    return this.query<Session>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': orgPartition(orgId), ':prefix': sessionsOfGrantPrefix(grantId) },
      ConsistentRead: true,
    });
  }

  async listSessions(orgId: string): Promise<Session[]> {
    return this.query<Session>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': orgPartition(orgId), ':prefix': SESSION_PREFIX },
      ConsistentRead: true,
    });
  }

  async listSessionsPage(orgId: string, limit: number): Promise<{ sessions: Session[]; more: boolean }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': orgPartition(orgId), ':prefix': SESSION_PREFIX },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return { sessions: (out.Items ?? []).map((item) => fromItem<Session>(item) as Session), more: out.LastEvaluatedKey !== undefined };
  }

  async getSession(orgId: string, grantId: string, sessionId: string): Promise<Session | undefined> {
    return this.get<Session>(sessionKey(orgId, grantId, sessionId));
  }

  async findSession(sessionId: string): Promise<Session | undefined> {
    const ref = await this.get<{ orgId: string; grantId: string }>(sessionRefKey(sessionId));
    return ref && this.getSession(ref.orgId, ref.grantId, sessionId);
  }

  async getProductClient(clientId: string): Promise<ProductClient | undefined> {
    return this.get<ProductClient>(productClientKey(clientId));
  }

  async readTogether(reads: ReadTogether): Promise<ReadTogetherResult> {
    const keys = {
      ...(reads.org ? { org: orgKey(reads.org) } : {}),
      ...(reads.grant ? { grant: grantKey(reads.grant.orgId, reads.grant.grantId) } : {}),
      ...(reads.case ? { case: caseKey(reads.case.orgId, reads.case.caseId) } : {}),
      ...(reads.request ? { request: requestKey(reads.request.orgId, reads.request.requestId) } : {}),
      ...(reads.session ? { session: sessionKey(reads.session.orgId, reads.session.grantId, reads.session.sessionId) } : {}),
      ...(reads.client ? { client: productClientKey(reads.client) } : {}),
      ...(reads.auditHead ? { auditHead: auditHeadKey(reads.auditHead) } : {}),
    };
    const items = await this.batchGet(Object.values(keys));
    const found = Object.fromEntries(
      Object.entries(keys).map(([name, key]) => [name, fromItem(items.find((i) => i.pk === key.pk && i.sk === key.sk))]),
    ) as Record<string, Record<string, unknown> | undefined>;
    const head = found.auditHead;
    return {
      ...(found as Omit<ReadTogetherResult, 'auditHead'>),
      ...(reads.auditHead ? { auditHead: head ? { seq: head.seq as number, hash: head.hash as string } : { seq: 0, hash: GENESIS_HASH } } : {}),
    };
  }

  async listOverdue(now: Date): Promise<ExpiryTarget[]> {
    const index = TABLE.indexes.activeByExpiry;
    const shards = await Promise.all(
      Array.from({ length: EXPIRY_SHARDS }, (_, shard) =>
        this.queryRaw({
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk AND #sk < :now',
          ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
          ExpressionAttributeValues: { ':pk': expiryShardKey(shard), ':now': now.toISOString() },
          ProjectionExpression: '#sk',
        }),
      ),
    );
    // gsi2sk is `<expiresAt>#GRANT|REQUEST#<orgId>#<id>`.
    return shards.flat().flatMap((item) => overdueTarget(String(item[index.sortKey] ?? '')) ?? []);
  }

  async getCase(orgId: string, caseId: string): Promise<Case | undefined> {
    return this.get<Case>(caseKey(orgId, caseId));
  }

  async listCases(orgId: string): Promise<Case[]> {
    return this.query<Case>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': orgPartition(orgId), ':prefix': CASE_PREFIX },
      ScanIndexForward: false,
    });
  }

  async listCasesPage(orgId: string, page: CasePage): Promise<{ cases: Case[]; next?: string }> {
    const cases: Case[] = [];
    let start: Record<string, unknown> | undefined = page.after ? caseKey(orgId, page.after) : undefined;
    // Reads 100 items a round (a status filter may skip many), at most 10 rounds per page.
    for (let round = 0; round < CASE_PAGE_ROUNDS && cases.length < page.limit; round++) {
      const out: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': orgPartition(orgId), ':prefix': CASE_PREFIX, ...(page.status ? { ':status': page.status } : {}) },
          ...(page.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ScanIndexForward: false,
          Limit: 100,
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      cases.push(...(out.Items ?? []).map((item) => fromItem<Case>(item)!));
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    if (cases.length > page.limit) return { cases: cases.slice(0, page.limit), next: cases[page.limit - 1]!.caseId };
    return { cases, ...(start ? { next: String(start.sk).slice(CASE_PREFIX.length) } : {}) };
  }

  async getRequest(orgId: string, requestId: string): Promise<AccessRequest | undefined> {
    return this.get<AccessRequest>(requestKey(orgId, requestId));
  }

  async getApprovalToken(tokenHash: string): Promise<ApprovalToken | undefined> {
    return this.get<ApprovalToken>(approvalTokenKey(tokenHash));
  }

  async listAudit(orgId: string): Promise<AuditEvent[]> {
    return this.query<AuditEvent>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': auditPartition(orgId), ':prefix': AUDIT_EVENT_PREFIX },
      ConsistentRead: true,
    });
  }

  /**
   * One TransactWriteItems: the entity writes under their conditions, the audit events chained
   * after the org's head (conditioned on it, so concurrent changes never fork the chain), and
   * the notices. A lost race on the head is retried; a failed entity condition is the caller's.
   */
  async commit(change: Change): Promise<{ seq: number; hash: string }> {
    for (let attempt = 1; ; attempt++) {
      const head = attempt === 1 && change.auditHead ? change.auditHead : await this.auditHead(change.orgId);
      let link = head;
      const events = change.audit.map((entry) => (link = chainEvent(change.orgId, entry, link)));
      const entities = change.writes.flatMap((w) => (w.kind === 'webhook' && w.remove ? [this.remove(webhookEndpointKey(w.endpoint.orgId, w.endpoint.endpointId), w.expect)] : entityItems(w).map((item) => this.put(item, w.expect))));
      const items: TransactItem[] = [
        ...entities,
        this.headWrite(change.orgId, head, link),
        ...events.map((e) => this.put(auditItem(e), 'new')),
        ...change.notices.map((n) => this.put(noticeItem(n), 'new')),
      ];
      // A programming error, not a race: say so rather than let DynamoDB answer a validation error.
      if (items.length > MAX_TRANSACTION_ITEMS) throw new Error(`A transaction of ${items.length} items exceeds DynamoDB's ${MAX_TRANSACTION_ITEMS}.`);
      try {
        // One token per attempt: the SDK's own retries of this request reuse it, so a retry after a
        // timeout cannot write the audit event and the notices twice; a fresh read-and-retry
        // (below) is a new attempt with a new token.
        await this.db.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }));
        return link;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons.slice(0, entities.length).some((r) => r.Code === 'ConditionalCheckFailed')) {
          throw new ConcurrentChangeError();
        }
        if (attempt >= MAX_COMMIT_ATTEMPTS) throw new ConcurrentChangeError('The audit trail is busy; nothing was written. Try again.');
        // Full jitter, growing to a quarter second: fifty writers in one org still all get through.
        await pause(Math.random() * Math.min(250, 10 * 2 ** attempt));
      }
    }
  }

  async auditHead(orgId: string): Promise<{ seq: number; hash: string }> {
    const item = await this.get<{ seq: number; hash: string }>(auditHeadKey(orgId));
    return item ? { seq: item.seq, hash: item.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  private headWrite(orgId: string, head: { seq: number }, next: { seq: number; hash: string }): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...auditHeadKey(orgId), type: 'audit-head', seq: next.seq, hash: next.hash },
        ...(head.seq === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'seq = :seq', ExpressionAttributeValues: { ':seq': head.seq } }),
      },
    };
  }

  private put(item: Record<string, unknown>, expect: Expect): TransactItem {
    return { Put: { TableName: this.tableName, Item: item, ...condition(expect) } };
  }

  private remove(key: { pk: string; sk: string }, expect: Expect): TransactItem {
    return { Delete: { TableName: this.tableName, Key: key, ...condition(expect) } };
  }

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return fromItem<T>(out.Item);
  }

  private async query<T>(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<T[]> {
    return (await this.queryRaw(input)).map((item) => fromItem<T>(item) as T);
  }

  private batchGet(keys: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    return batchGet(this.db, this.tableName, keys, { consistent: true });
  }

  private batchDelete(keys: { pk: string; sk: string }[]): Promise<void> {
    return batchDelete(this.db, this.tableName, keys);
  }

  /** Every page of a query, items as stored (index keys included). */
  private async queryRaw(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Record<string, unknown>[]> {
    const results: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey }));
      results.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return results;
  }
}

/** The items one write puts: the entity, and for a new session its by-id pointer too. */
function entityItems(write: Write): Record<string, unknown>[] {
  switch (write.kind) {
    case 'grant':
      return [grantItem(write.grant)];
    case 'session':
      return write.expect === 'new' ? [sessionItem(write.session), sessionRefItem(write.session)] : [sessionItem(write.session)];
    case 'org':
      return write.expect === 'new' ? newOrgItems(write.org) : [orgItem(write.org)];
    case 'user':
      return userItems(write.user);
    case 'case':
      return [caseItem(write.case)];
    case 'request':
      return [requestItem(write.request)];
    case 'token':
      return [tokenItem(write.token)];
    case 'client':
      return productClientItems(write.client);
    case 'portalSession':
      return [portalSessionItem(write.portalSession)];
    case 'deletion':
      return [deletionItem(write.deletion)];
    case 'webhook':
      return [webhookEndpointItem(write.endpoint)];
  }
}

interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** The write condition for each kind of expectation. */
function condition(expect: Expect): Condition {
  if (expect === 'new') return { ConditionExpression: 'attribute_not_exists(pk)' };
  if ('status' in expect) {
    return { ConditionExpression: '#status = :expected', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':expected': expect.status } };
  }
  if ('unused' in expect) return { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)' };
  // Version 0 also matches items written before they carried a version (seeded orgs).
  return {
    ConditionExpression: expect.version === 0 ? 'attribute_not_exists(#v) OR #v = :v' : '#v = :v',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':v': expect.version },
  };
}

const OVERDUE_TYPES = { GRANT: 'grant', REQUEST: 'request', SESSIONS: 'sessions', NOTICE: 'notice', DELETION: 'deletion' } as const;

function overdueTarget(sortKey: string): ExpiryTarget | undefined {
  const m = /^[^#]+#(GRANT|REQUEST|SESSIONS|NOTICE|DELETION)#([^#]+)#([^#]+)$/.exec(sortKey);
  return m ? { type: OVERDUE_TYPES[m[1] as keyof typeof OVERDUE_TYPES], orgId: m[2]!, id: m[3]! } : undefined;
}

