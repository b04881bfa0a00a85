import type { Grant, Session } from '../../domain/model';
import { html } from '../html';
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
}

export function dashboardPage(user: PageUser, model: DashboardModel): string {
  const { grants, now, flash } = model;
  const rows = grants.map(
    (g) => html`<tr data-grant="${g.grantId}">
<td>${g.actAs.name ?? g.actAs.email}</td><td>${g.level}</td>
<td class="scope">${g.workspaces === 'all' ? 'whole account' : g.workspaces.join(', ')}</td><td>${g.environment}</td>
<td>${g.grantedBy.name ?? g.grantedBy.email}</td>
<td><time datetime="${g.expiresAt}">${g.expiresAt.replace('T', ' ').slice(0, 19)} UTC</time></td>
<td class="left">${timeLeft(g.expiresAt, now)}</td>
<td><form method="post" action="/grants/${g.grantId}/revoke"><input type="hidden" name="csrf" value="${user.csrf}">
<button type="submit">Revoke</button></form>
<form method="post" action="/grants/${g.grantId}/extend" class="extend"><input type="hidden" name="csrf" value="${user.csrf}">
<label>Extend to <input name="durationHours" size="4" inputmode="decimal" aria-label="Hours from now"> h from now</label>
<button type="submit">Extend</button></form></td></tr>`,
  );
  const sessionRows = model.liveSessions.map(
    (s) => html`<tr data-session="${s.sessionId}">
<td>${s.agent.name ? `${s.agent.name} (${s.agent.email})` : s.agent.email}</td><td>${s.actAs.name ?? s.actAs.email}</td>
<td>${s.scope.join(' ')}</td><td class="why">${s.justification}</td><td>${timeLeft(s.expiresAt, now)}</td>
<td><form method="post" action="/sessions/${s.sessionId}/end"><input type="hidden" name="csrf" value="${user.csrf}">
<button type="submit">End session</button></form></td></tr>`,
  );
  return layout(
    'Dashboard',
    html`${flash ? html`<p class="notice" role="status">${flash}</p>` : ''}
<h1>Support login access</h1>
<h2>Who is logged in as ${user.role === 'admin' ? 'your organization' : 'you'} now</h2>
${
  sessionRows.length
    ? html`<table id="live-sessions"><thead><tr><th>Support agent</th><th>Logged in as</th><th>May</th><th>Why</th><th>Ends in</th><th></th></tr></thead><tbody>${sessionRows}</tbody></table>`
    : html`<p class="muted" id="no-sessions">Nobody from support is logged in as ${user.role === 'admin' ? 'anyone in your organization' : 'you'}.</p>`
}
${model.cannotGrant ? html`<p class="muted" id="cannot-grant">${model.cannotGrant}</p>` : html`<p><a href="/grants/new">Grant login access</a></p>`}
<h2>Active grants</h2>
${
  grants.length
    ? html`<table><thead><tr><th>Support acts as</th><th>Level</th><th>Scope</th><th>Environment</th><th>Granted by</th><th>Ends</th><th>Time left</th><th></th></tr></thead>
<tbody>${rows}</tbody></table>`
    : html`<p class="muted" id="no-grants">Support has no access to your account right now.</p>`
}`,
    user,
  );
}
