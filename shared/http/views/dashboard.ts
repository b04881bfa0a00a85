import type { Grant, Session } from '../../domain/model';
import { html } from '../html';
import { csrfField, timeElement, readableTime } from './form-parts';
import { layout, type PageUser } from './layout';

/** "3 h 12 min", "45 s": what is left of a grant, to the second at render time. */
export function timeLeft(expiresAt: string, now: Date): string {
  let s = Math.max(0, Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min ${s} s`;
  return `${s} s`;
}

export interface DashboardModel {
  grants: Grant[];
  /** "Log in as" sessions running now that this user may see and end. */
  liveSessions: Session[];
  now: Date;
  flash?: string;
  /** Why this user cannot grant, when they cannot. */
  cannotGrant?: string;
  maxHours: number;
  /** A refused change of end time, shown in its grant's row (with what was typed). */
  rowError?: { grantId: string; message: string; value: string };
}

const scopeOf = (g: Grant) => (g.workspaces === 'all' ? 'whole account' : g.workspaces.join(', '));
const whoOf = (p: { name?: string; email: string }) => p.name ?? p.email;

/** The row's actions: change the end time (later or earlier), and revoke behind a confirmation that names the grant. */
function grantActions(user: PageUser, g: Grant, model: DashboardModel) {
  const names = `${whoOf(g.actAs)}, ${g.level} in ${g.environment}, ends ${readableTime(g.expiresAt)}`;
  const error = model.rowError?.grantId === g.grantId ? model.rowError : undefined;
  const field = `hours-${g.grantId}`;
  return html`<div class="row-actions">
<details${error ? html` open` : ''}><summary>Change end time<span class="visually-hidden"> of access as ${names}</span></summary>
<form method="post" action="/grants/${g.grantId}/extend" class="extend">${csrfField(user.csrf)}
<label for="${field}">New end, in hours from now <span class="hint" id="${field}-hint">Earlier shortens the access, later extends it (at most ${model.maxHours} h).</span></label>
${error ? html`<span class="field-error" id="${field}-error"><span class="visually-hidden">Error: </span>${error.message}</span>` : ''}
<input id="${field}" name="durationHours" size="5" inputmode="decimal" value="${error?.value ?? ''}"${error ? html` aria-invalid="true" autofocus` : ''} aria-describedby="${field}-hint${error ? ` ${field}-error` : ''}">
<button type="submit">Save end time<span class="visually-hidden"> of access as ${names}</span></button></form></details>
<details><summary>Revoke<span class="visually-hidden"> access as ${names}</span></summary>
<form method="post" action="/grants/${g.grantId}/revoke">${csrfField(user.csrf)}
<p>Revoke support's access as ${whoOf(g.actAs)} (${g.level}, ${scopeOf(g)}, ${g.environment})? Support can no longer use it, and any session through it ends now.</p>
<button type="submit" class="danger">Yes, revoke access as ${whoOf(g.actAs)}</button></form></details></div>`;
}

/** The "log in as" sessions running now, each with End session (dashboard and case page). */
export function liveSessionsTable(user: PageUser, sessions: Session[], now: Date, none: string) {
  if (!sessions.length) return html`<p class="muted" id="no-sessions">${none}</p>`;
  const rows = sessions.map(
    (s) => html`<tr data-session="${s.sessionId}">
<td data-label="Support agent">${s.agent.name ? `${s.agent.name} (${s.agent.email})` : s.agent.email}</td><td data-label="Logged in as">${whoOf(s.actAs)}</td>
<td data-label="May">${s.scope.join(' ')}</td><td class="why" data-label="Why">${s.justification}</td><td data-label="Ends in" data-ends="${s.expiresAt}">${timeLeft(s.expiresAt, now)}</td>
<td><form method="post" action="/sessions/${s.sessionId}/end">${csrfField(user.csrf)}
<button type="submit" class="danger">End session<span class="visually-hidden"> of ${s.agent.email} as ${whoOf(s.actAs)}</span></button></form></td></tr>`,
  );
  return html`<table id="live-sessions" class="stack"><thead><tr><th>Support agent</th><th>Logged in as</th><th>May</th><th>Why</th><th>Ends in</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function dashboardPage(user: PageUser, model: DashboardModel): string {
  const { grants, now, flash } = model;
  const rows = grants.map(
    (g) => html`<tr data-grant="${g.grantId}">
<td data-label="Support acts as">${whoOf(g.actAs)}</td><td data-label="Level">${g.level}</td>
<td class="scope" data-label="Scope">${scopeOf(g)}</td><td data-label="Environment">${g.environment}</td>
<td data-label="Granted by">${whoOf(g.grantedBy)}</td>
<td data-label="Ends">${timeElement(g.expiresAt)}</td>
<td class="left" data-label="Time left" data-ends="${g.expiresAt}">${timeLeft(g.expiresAt, now)}</td>
<td>${grantActions(user, g, model)}</td></tr>`,
  );
  return layout(
    'Dashboard',
    html`${flash ? html`<p class="notice" role="status">${flash}</p>` : ''}
<h1>Support login access</h1>
<h2>Who is logged in as ${user.role === 'admin' ? 'your organization' : 'you'} now</h2>
${liveSessionsTable(user, model.liveSessions, now, `Nobody from support is logged in as ${user.role === 'admin' ? 'anyone in your organization' : 'you'}.`)}
<h2>Active grants${model.cannotGrant ? '' : html`<a class="button primary action" href="/grants/new">Grant login access</a>`}</h2>
${model.cannotGrant ? html`<p class="muted" id="cannot-grant">${model.cannotGrant}</p>` : ''}
${
  grants.length
    ? html`<table class="stack"><thead><tr><th>Support acts as</th><th>Level</th><th>Scope</th><th>Environment</th><th>Granted by</th><th>Ends</th><th>Time left</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table>`
    : html`<p class="muted" id="no-grants">Support has no access to your account right now.</p>`
}`,
    user,
  );
}
