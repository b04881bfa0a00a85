import type { AuditEvent } from '../../domain/audit';
import type { AuditFilter, AuditPage } from '../../domain/audit-trail';
import { html } from '../html';
import { fieldError, when } from './form-parts';
import { layout, type PageUser } from './layout';

export interface AuditModel {
  page: AuditPage;
  /** The filter as typed (kept in the form and in every link). */
  values: Record<string, string>;
  filter?: AuditFilter;
  errors: Record<string, string>;
  verified?: { events: number; brokenAt?: number };
}

const actorOf = (e: AuditEvent) => {
  const who = 'email' in e.actor ? e.actor.email : `${e.actor.type}:${e.actor.id}`;
  return 'actingAs' in e.actor && e.actor.actingAs ? `${who} as ${e.actor.actingAs}` : who;
};

const change = (e: AuditEvent) =>
  [e.before ? `before ${JSON.stringify(e.before)}` : '', e.after ? `after ${JSON.stringify(e.after)}` : ''].filter(Boolean).join(' → ');

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
<form class="card" method="get" action="/audit">
<label for="from">From</label><input id="from" name="from" type="date" value="${v('from')}">${fieldError(model.errors, 'from')}
<label for="to">To</label><input id="to" name="to" type="date" value="${v('to')}">${fieldError(model.errors, 'to')}
<label for="actor">Actor</label><input id="actor" name="actor" value="${v('actor')}" placeholder="an email">
<label for="action">Action</label><input id="action" name="action" value="${v('action')}" placeholder="e.g. grant. or session.started">
<p><button type="submit">Filter</button> <a href="/audit/export.csv?${query({})}" id="export">Export CSV (all ${total} rows)</a>
${user.role === 'admin' ? html` · <a href="/audit/verify" id="verify">Verify the chain</a>` : ''}</p></form>
${
  rows.length
    ? html`<table id="audit"><thead><tr><th>#</th><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Case</th><th>Why</th><th>Change</th></tr></thead><tbody>
${rows.map((e) => html`<tr data-seq="${String(e.seq)}"><td>${String(e.seq)}</td><td>${when(e.at)}</td><td>${actorOf(e)}</td><td>${e.action}</td><td>${e.target.type} ${e.target.id}</td><td>${e.caseId ?? ''}</td><td>${e.justification ?? ''}</td><td class="change">${change(e)}</td></tr>`)}</tbody></table>
<p id="pages">Page ${String(page)} of ${String(pages)} (${String(total)} events)
${page > 1 ? html` <a href="/audit?${query({ page: String(page - 1) })}" rel="prev">Newer</a>` : ''}${page < pages ? html` <a href="/audit?${query({ page: String(page + 1) })}" rel="next">Older</a>` : ''}</p>`
    : html`<p class="muted">No events match.</p>`
}`,
    user,
  );
}
