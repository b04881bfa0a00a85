import type { Case, Environment, Grant } from '../../domain/model';
import { html } from '../html';
import { checked, csrfField, fieldError, formError, options, when } from './form-parts';
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
<label><input type="radio" name="remoteAccess" value="allowed"${checked(access === 'allowed')}${model.locked ? html` disabled` : ''}> Allowed</label>
<label><input type="radio" name="remoteAccess" value="denied"${checked(access === 'denied')}> Denied — support must ask first</label>
${model.locked ? html`<p class="muted" id="remote-access-locked">${model.locked}</p>` : ''}${fieldError(model.errors, 'remoteAccess')}</fieldset>
<p><button type="submit">Open case</button></p></form>`,
    user,
  );
}

export interface CaseDetailModel {
  case: Case;
  grants: Grant[];
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
${c.status === 'open' ? html`<form method="post" action="/cases/${c.caseId}/solve">${csrfField(user.csrf)}<button type="submit">Mark solved</button></form>` : ''}
<h3>History</h3><ul id="history">${c.history.map((h) => html`<li>${when(h.at)}: ${h.by} set ${h.from ?? '—'} → ${h.to}</li>`)}</ul>
<h3>Support access for this case</h3>
${model.grants.length ? html`<ul>${model.grants.map((g) => html`<li>${g.personnel.map((p) => p.email).join(', ')} as ${g.actAs.name ?? g.actAs.email} (${g.level}) until ${when(g.expiresAt)}</li>`)}</ul>` : html`<p class="muted">Support has no access for this case.</p>`}
</div>`,
    user,
  );
}
