import { LEVELS, type Org } from '../../domain/model';
import { html } from '../html';
import { checked, csrfField, fieldError, formError, options } from './form-parts';
import { layout, type PageUser } from './layout';

const POLICY_TEXT = {
  all_cases: 'All cases — every new case allows support to access your account for it, unless the person opening it says no.',
  approval_needed: 'Approval needed — new cases deny access; support must ask, and the case contact or an administrator approves by email.',
  never: 'Never — cases deny access and only an administrator can allow it for a case or approve support\'s request.',
} as const;

export interface SettingsModel {
  org: Org;
  platformMaxHours: number;
  values?: Record<string, string>;
  errors: Record<string, string>;
  /** A problem with the whole form (someone else saved first, …). */
  formError?: string;
  saved?: boolean;
  /** After signing a user out everywhere: how many of their sign-ins ended. */
  signedOut?: string;
}

/** The org's "Remote access" settings (admins only). */
export function settingsPage(user: PageUser, model: SettingsModel): string {
  const s = model.org.settings;
  const v = (field: string, fallback: string) => model.values?.[field] ?? fallback;
  const policy = v('remoteAccessPolicy', s.remoteAccessPolicy);
  const scope = v('supportScope', s.supportProfile.workspaces === 'all' ? 'all' : 'workspaces');
  const chosen = new Set(v('supportWorkspaces', s.supportProfile.workspaces === 'all' ? '' : s.supportProfile.workspaces.join(',')).split(',').filter(Boolean));
  const nonAdmin = model.values ? model.values.allowNonAdminGrants === 'on' : s.allowNonAdminGrants;
  return layout(
    'Remote access settings',
    html`<h1>Remote access settings</h1>
${model.saved ? html`<p class="notice" role="status">Settings saved.</p>` : ''}
${model.signedOut !== undefined ? html`<p class="notice" role="status">Signed out everywhere: ${model.signedOut} sign-in(s) ended.</p>` : ''}
${formError(model.formError ?? (Object.keys(model.errors).length ? 'Please correct the fields below.' : undefined))}
<form class="card" method="post" action="/settings" novalidate>${csrfField(user.csrf)}
<fieldset><legend>Remote-access policy for support cases</legend>
${(Object.keys(POLICY_TEXT) as (keyof typeof POLICY_TEXT)[]).map((p) => html`<label><input type="radio" name="remoteAccessPolicy" value="${p}"${checked(policy === p)}> ${POLICY_TEXT[p]}</label>`)}
${fieldError(model.errors, 'remoteAccessPolicy')}</fieldset>
<label><input type="checkbox" name="allowNonAdminGrants"${checked(nonAdmin)}> Allow non-administrators to grant login access (never beyond their own access)</label>
<label for="defaultGrantHours">Default grant length (hours)</label>
<input id="defaultGrantHours" name="defaultGrantHours" value="${v('defaultGrantHours', String(s.defaultGrantHours))}">${fieldError(model.errors, 'defaultGrantHours')}
<label for="maxGrantHours">Longest grant (hours, at most ${model.platformMaxHours})</label>
<input id="maxGrantHours" name="maxGrantHours" value="${v('maxGrantHours', String(s.maxGrantHours))}">${fieldError(model.errors, 'maxGrantHours')}
<label for="authorizedContacts">Authorized contacts (emails that receive requests and notices, one per line)</label>
<textarea id="authorizedContacts" name="authorizedContacts" rows="3" cols="40">${v('authorizedContacts', s.authorizedContacts.join('\n'))}</textarea>${fieldError(model.errors, 'authorizedContacts')}
<fieldset><legend>Support profile (what case access acts with)</legend>
<label for="supportLevel">Level</label><select id="supportLevel" name="supportLevel">${options(LEVELS, v('supportLevel', s.supportProfile.level))}</select>${fieldError(model.errors, 'supportLevel')}
<label><input type="radio" name="supportScope" value="all"${checked(scope === 'all')}> Whole account</label>
<label><input type="radio" name="supportScope" value="workspaces"${checked(scope === 'workspaces')}> Only these workspaces:</label>
${model.org.workspaces.map((w) => html`<label class="inline-check"><input type="checkbox" name="supportWorkspaces" value="${w}"${checked(chosen.has(w))}> ${w}</label>`)}
${fieldError(model.errors, 'supportWorkspaces')}</fieldset>
<label for="requiredApprovals">Approvers needed for a permission request (1–3)</label>
<input id="requiredApprovals" name="requiredApprovals" value="${v('requiredApprovals', String(s.requiredApprovals))}">${fieldError(model.errors, 'requiredApprovals')}
<p><button type="submit">Save settings</button></p></form>
<form class="card" method="post" action="/sign-out-everywhere">${csrfField(user.csrf)}
<h2>Sign a user out everywhere</h2><p class="muted">Ends every portal sign-in of a user of ${model.org.name} at once (a lost laptop, someone leaving).</p>
<label for="signout-email">Email</label><input id="signout-email" name="email" type="email" autocomplete="off">
<p><button type="submit">Sign out everywhere</button></p></form>`,
    user,
  );
}
