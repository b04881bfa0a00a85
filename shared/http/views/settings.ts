import { LEVELS, type Org } from '../../domain/model';
import { html } from '../html';
import { checked, csrfField, described, errorSummary, fieldError, groupDescribed, options } from './form-parts';
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
  const contacts = v('authorizedContacts', s.authorizedContacts.join('\n'));
  const e = model.errors;
  return layout(
    'Remote access settings',
    html`<h1>Remote access settings</h1>
${model.saved ? html`<p class="notice" role="status">Settings saved.</p>` : ''}
${model.signedOut !== undefined ? html`<p class="notice" role="status">Signed out everywhere: ${model.signedOut} sign-in(s) ended.</p>` : ''}
${errorSummary(model.errors, model.formError)}
<form class="card" method="post" action="/settings" novalidate>${csrfField(user.csrf)}
<h2>Who can grant login access</h2>
<label class="choice"><input type="checkbox" name="allowNonAdminGrants"${checked(nonAdmin)}><span>Non-administrators may grant login access<span class="hint">Never beyond their own level and workspaces. Administrators always can.</span></span></label>
<h2>How long</h2>
<label for="defaultGrantHours">Default grant length, in hours <span class="hint" id="defaultGrantHours-hint">What the grant form offers first.</span></label>
${fieldError(e, 'defaultGrantHours')}<input id="defaultGrantHours" name="defaultGrantHours" size="6" inputmode="decimal" value="${v('defaultGrantHours', String(s.defaultGrantHours))}"${described(e, 'defaultGrantHours', true)}>
<label for="maxGrantHours">Longest grant, in hours <span class="hint" id="maxGrantHours-hint">At most ${model.platformMaxHours}. Nobody in ${model.org.name} can grant longer.</span></label>
${fieldError(e, 'maxGrantHours')}<input id="maxGrantHours" name="maxGrantHours" size="6" inputmode="decimal" value="${v('maxGrantHours', String(s.maxGrantHours))}"${described(e, 'maxGrantHours', true)}>
<h2>Cases and approvals</h2>
<fieldset id="remoteAccessPolicy"${groupDescribed(e, 'remoteAccessPolicy')}><legend>May support access your account for a case?</legend>
${fieldError(e, 'remoteAccessPolicy')}
${(Object.keys(POLICY_TEXT) as (keyof typeof POLICY_TEXT)[]).map((p) => html`<label class="choice"><input type="radio" name="remoteAccessPolicy" value="${p}"${checked(policy === p)}><span>${POLICY_TEXT[p]}</span></label>`)}
</fieldset>
<label for="requiredApprovals">Approvers needed for a request <span class="hint" id="requiredApprovals-hint">1, 2 or 3 different people; any one of them denying ends the request.</span></label>
${fieldError(e, 'requiredApprovals')}<input id="requiredApprovals" name="requiredApprovals" size="2" inputmode="numeric" value="${v('requiredApprovals', String(s.requiredApprovals))}"${described(e, 'requiredApprovals', true)}>
<h2>Who is notified</h2>
<label for="authorizedContacts">Authorized contacts <span class="hint" id="authorizedContacts-hint">Email addresses, one per line: they receive support's requests and every access notice.</span></label>
${fieldError(e, 'authorizedContacts')}<textarea id="authorizedContacts" name="authorizedContacts" rows="3" cols="40"${described(e, 'authorizedContacts', true)}>${contacts}</textarea>
${e.authorizedContacts && !contacts.trim() ? html`<label class="choice"><input type="checkbox" name="confirmNoContacts" value="yes"><span>Yes, remove them all</span></label>` : ''}
<h2>Support profile</h2>
<p class="hint">What support acts with when it has access for a case.</p>
<label for="supportLevel">Level</label>
${fieldError(e, 'supportLevel')}<select id="supportLevel" name="supportLevel"${described(e, 'supportLevel')}>${options(LEVELS, v('supportLevel', s.supportProfile.level))}</select>
<fieldset class="conditional" id="supportScope"><legend>Where</legend>
<label class="choice"><input type="radio" name="supportScope" value="all"${checked(scope === 'all')}><span>Whole account</span></label>
<label class="choice"><input type="radio" name="supportScope" value="workspaces" data-reveals${checked(scope === 'workspaces')}><span>Only these workspaces</span></label>
<div class="reveal" id="supportWorkspaces">${fieldError(e, 'supportWorkspaces')}
${model.org.workspaces.map((w) => html`<label class="choice"><input type="checkbox" name="supportWorkspaces" value="${w}"${checked(chosen.has(w))}><span>${w}</span></label>`)}</div>
</fieldset>
<p><button type="submit" class="primary">Save settings</button></p></form>
<section class="card"><h2>Webhooks</h2><p class="muted">Send access events to your SIEM, Slack or ticketing as they happen.</p><p><a href="/settings/webhooks">Manage webhooks</a></p></section>
<form class="card" method="post" action="/sign-out-everywhere">${csrfField(user.csrf)}
<h2>Sign a user out everywhere</h2><p class="muted">Ends every portal sign-in of a user of ${model.org.name} at once (a lost laptop, someone leaving).</p>
<label for="signout-email">Email</label><input id="signout-email" name="email" type="email" autocomplete="off">
<p><button type="submit" class="danger">Sign out everywhere</button></p></form>`,
    user,
  );
}
