import type { AuditEvent } from '../../domain/audit';
import type { AuditFilter, AuditPage } from '../../domain/audit-trail';
import { html } from '../html';
import { fieldError, options, timeElement } from './form-parts';
import { ACTION_GROUPS, auditSentence } from './audit-sentences';
import { layout, type PageUser } from './layout';

export interface AuditModel {
  page: AuditPage;
  /** The filter as typed (kept in the form and in every link). */
  values: Record<string, string>;
  filter?: AuditFilter;
  errors: Record<string, string>;
  verified?: { events: number; brokenAt?: number };
}

/** The event exactly as recorded, for whoever needs the raw fields (and the hash chain). */
const details = (e: AuditEvent) =>
  html`<details><summary>Details<span class="visually-hidden"> of event ${String(e.seq)}</span></summary><dl class="raw">
<dt>Event</dt><dd>#${String(e.seq)} <code>${e.action}</code> on ${e.target.type} <code>${e.target.id}</code></dd>
${e.justification ? html`<dt>Why</dt><dd>${e.justification}</dd>` : ''}
${e.before ? html`<dt>Before</dt><dd><code>${JSON.stringify(e.before)}</code></dd>` : ''}${e.after ? html`<dt>After</dt><dd><code>${JSON.stringify(e.after)}</code></dd>` : ''}
<dt>Hash</dt><dd><code>${e.hash.slice(0, 16)}…</code></dd></dl></details>`;

/** The case an event concerns, linked (a grant has no page of its own: its events are here). */
const caseLink = (e: AuditEvent) => {
  const caseId = e.caseId ?? (e.target.type === 'case' ? e.target.id : undefined);
  return caseId ? html` <a href="/cases/${caseId}">Case</a>` : '';
};

/** The org's audit trail: filter, page, export the filter as CSV, verify the chain. */
export function auditPage(user: PageUser, model: AuditModel): string {
  const v = (k: string) => model.values[k] ?? '';
  const query = (extra: Record<string, string>) =>
    new URLSearchParams(Object.fromEntries(Object.entries({ from: v('from'), to: v('to'), actor: v('actor'), action: v('action'), ...extra }).filter(([, x]) => x))).toString();
  const { rows, total, page, pages } = model.page;
  return layout(
    'Audit trail',
    html`<h1>Audit trail</h1>
<p class="muted">${user.role === 'admin' ? 'Everything that happened in your organization' : 'What concerns you: your grants, your cases, and what support did as you'}, newest first. Each event is chained to the one before by a SHA-256 hash.</p>
${
  model.verified
    ? model.verified.brokenAt === undefined
      ? html`<p class="notice" role="status" id="verify-result">The chain is intact: all ${model.verified.events} events verify.</p>`
      : html`<p class="error" role="alert" id="verify-result">The chain is broken at event ${model.verified.brokenAt}: it or an event next to it was changed or removed after it was written.</p>`
    : ''
}
<form class="card" method="get" action="/audit"><div class="filters">
<div><label for="from">From</label><input id="from" name="from" type="date" value="${v('from')}">${fieldError(model.errors, 'from')}</div>
<div><label for="to">To</label><input id="to" name="to" type="date" value="${v('to')}">${fieldError(model.errors, 'to')}</div>
<div><label for="actor">Who <span class="hint">an email address</span></label><input id="actor" name="actor" type="email" value="${v('actor')}"></div>
<div><label for="action">What</label><select id="action" name="action"><option value="">Everything</option>${options(
      ACTION_GROUPS.map(([prefix]) => prefix),
      v('action'),
      Object.fromEntries(ACTION_GROUPS),
    )}${v('action') && !ACTION_GROUPS.some(([p]) => p === v('action')) ? html`<option value="${v('action')}" selected>${v('action')}</option>` : ''}</select></div></div>
<p><button type="submit">Filter</button> <a href="/audit/export.csv?${query({})}" id="export">Export CSV (all ${total} rows)</a>
${user.role === 'admin' ? html` · <a href="/audit/verify" id="verify">Verify the chain</a>` : ''}</p></form>
${
  rows.length
    ? html`<table id="audit" class="stack"><thead><tr><th>When</th><th>What happened</th><th><span class="visually-hidden">Details</span></th></tr></thead><tbody>
${rows.map(
  (e) => html`<tr data-seq="${String(e.seq)}" data-action="${e.action}"><td data-label="When">${timeElement(e.at)}</td>
<td class="sentence">${auditSentence(e)}${e.justification ? html` <span class="muted">Why: ${e.justification}</span>` : ''}${caseLink(e)}</td><td>${details(e)}</td></tr>`,
)}</tbody></table>
<p id="pages">Page ${String(page)} of ${String(pages)} (${String(total)} events)
${page > 1 ? html` <a href="/audit?${query({ page: String(page - 1) })}" rel="prev">Newer</a>` : ''}${page < pages ? html` <a href="/audit?${query({ page: String(page + 1) })}" rel="next">Older</a>` : ''}</p>`
    : html`<p class="muted">No events match.</p>`
}`,
    user,
  );
}
