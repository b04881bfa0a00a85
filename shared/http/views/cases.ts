import type { Case, Environment, Grant, RemoteAccessChange, Session } from '../../domain/model';
import { liveSessionsTable } from './dashboard';
import { html } from '../html';
import { checked, csrfField, fieldError, formError, options, timeElement, when } from './form-parts';
import { layout, type PageUser } from './layout';

export function casesPage(user: PageUser, cases: Case[], flash?: string): string {
  return layout(
    'Cases',
    html`${flash ? html`<p class="notice" role="status">${flash}</p>` : ''}<h1>Support cases</h1>
<p><a href="/cases/new">Open a case</a></p>
${
  cases.length
    ? html`<table><thead><tr><th>Subject</th><th>Contact</th><th>Remote access</th><th>Status</th><th>Opened</th></tr></thead><tbody>
${cases.map((c) => html`<tr data-case="${c.caseId}"><td><a href="/cases/${c.caseId}">${c.subject}</a></td><td>${c.contact.email}</td><td>${c.remoteAccess}</td><td>${c.status}</td><td>${when(c.createdAt)}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">No cases yet.</p>`
}`,
    user,
  );
}

export interface CaseFormModel {
  environments: Environment[];
  defaultAccess: 'allowed' | 'denied';
  /** Why "allowed" is not available to this user, if it is not. */
  locked?: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  formError?: string;
}

export function caseFormPage(user: PageUser, model: CaseFormModel): string {
  const v = (f: string, fallback: string) => model.values[f] ?? fallback;
  const access = model.locked ? 'denied' : v('remoteAccess', model.defaultAccess);
  return layout(
    'Open a case',
    html`<h1>Open a case</h1>${formError(model.formError)}
<form class="card" method="post" action="/cases" novalidate>${csrfField(user.csrf)}
<label for="subject">Subject</label><input id="subject" name="subject" size="60" value="${v('subject', '')}">${fieldError(model.errors, 'subject')}
<label for="description">Description</label><textarea id="description" name="description" rows="5" cols="60">${v('description', '')}</textarea>${fieldError(model.errors, 'description')}
<label for="environment">Environment</label><select id="environment" name="environment">${options(model.environments, v('environment', 'production'))}</select>${fieldError(model.errors, 'environment')}
<fieldset><legend>May support access your account for this case?</legend>
${model.locked ? '' : html`<label class="choice"><input type="radio" name="remoteAccess" value="allowed"${checked(access === 'allowed')}><span>Allowed<span class="hint">Support may activate access for this case while it is open; you are told when it does.</span></span></label>`}
<label class="choice"><input type="radio" name="remoteAccess" value="denied"${checked(access === 'denied')}><span>Denied — support must ask first</span></label>
${model.locked ? html`<p class="muted" id="remote-access-locked">${model.locked}</p>` : ''}${fieldError(model.errors, 'remoteAccess')}</fieldset>
<p><button type="submit" class="primary">Open case</button></p></form>`,
    user,
  );
}

/** One change of a case's remote access, as a sentence. */
export function historySentence(h: RemoteAccessChange): string {
  if (h.from === null) return `${h.by} opened the case with remote access ${h.to}.`;
  return h.to === 'allowed' ? `${h.by} allowed support to access the account for this case (it was denied).` : `${h.by} denied support access for this case (it was allowed).`;
}

export interface CaseDetailModel {
  case: Case;
  grants: Grant[];
  /** "Log in as" sessions for this case that this user may see and end. */
  liveSessions: Session[];
  now: Date;
  locked?: string;
  flash?: string;
}

export function caseDetailPage(user: PageUser, model: CaseDetailModel): string {
  const c = model.case;
  const other = c.remoteAccess === 'allowed' ? 'denied' : 'allowed';
  const canSwitch = c.status === 'open' && !(other === 'allowed' && model.locked);
  return layout(
    c.subject,
    html`${model.flash ? html`<p class="notice" role="status">${model.flash}</p>` : ''}
<h1>${c.subject}</h1>
<p class="muted">Case ${c.caseId} · opened ${when(c.createdAt)} by ${c.contact.email} via ${c.channel} · ${c.environment}</p>
<p>${c.description}</p>
<div class="card"><h2>Remote access: <span id="remote-access">${c.remoteAccess}</span></h2>
<p>Status: <strong id="case-status">${c.status}</strong></p>
${canSwitch ? html`<form method="post" action="/cases/${c.caseId}/remote-access">${csrfField(user.csrf)}<input type="hidden" name="remoteAccess" value="${other}"><button type="submit">${other === 'allowed' ? 'Allow remote access' : 'Deny remote access'}</button></form>` : ''}
${c.status === 'open' && model.locked && other === 'allowed' ? html`<p class="muted">${model.locked}</p>` : ''}
<h3>Support access for this case</h3>
${model.grants.length ? html`<ul>${model.grants.map((g) => html`<li>${g.personnel.map((p) => p.email).join(', ')} as ${g.actAs.name ?? g.actAs.email} (${g.level}) until ${timeElement(g.expiresAt)}</li>`)}</ul>` : html`<p class="muted">Support has no access for this case.</p>`}
<h3>Who is logged in for this case now</h3>
${liveSessionsTable(user, model.liveSessions, model.now, user.role === 'admin' ? 'Nobody from support is logged in for this case.' : 'Nobody from support is logged in as you for this case. Setting remote access to Denied ends any session for it.')}
<h3>History</h3><ul id="history">${c.history.map((h) => html`<li>${timeElement(h.at)}: ${historySentence(h)}</li>`)}</ul>
</div>
${c.status === 'open' ? html`<div class="card"><h2>Done with this case?</h2><p>Marking it solved ends any support access that exists only for it.</p>
<form method="post" action="/cases/${c.caseId}/solve">${csrfField(user.csrf)}<button type="submit">Mark solved</button></form></div>` : ''}`,
    user,
  );
}
