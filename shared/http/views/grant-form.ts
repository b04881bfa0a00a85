import type { Environment, Level } from '../../domain/model';
import { html } from '../html';
import { layout, type PageUser } from './layout';

export interface GrantFormModel {
  levels: Level[];
  environments: Environment[];
  /** Whether the granter has the whole account to give. */
  wholeAccount: boolean;
  workspaces: string[];
  defaultHours: number;
  maxHours: number;
  values: Record<string, string>;
  errors: Record<string, string>;
  formError?: string;
}

const fieldError = (errors: Record<string, string>, field: string) =>
  errors[field] ? html`<span class="field-error" id="${field}-error">${errors[field]}</span>` : '';

const selected = (on: boolean) => (on ? html` selected` : '');
const checked = (on: boolean) => (on ? html` checked` : '');

/** The "Grant login access" form: it offers only what the granter may give. */
export function grantFormPage(user: PageUser, model: GrantFormModel): string {
  const value = (f: string, fallback: string) => model.values[f] ?? fallback;
  const scope = value('scope', model.wholeAccount ? 'all' : 'workspaces');
  const chosen = new Set(value('workspaces', '').split(',').filter(Boolean));
  const options = (items: readonly string[], current: string) => items.map((i) => html`<option value="${i}"${selected(i === current)}>${i}</option>`);
  return layout(
    'Grant login access',
    html`<h1>Grant login access</h1>
<p>Support will be able to log in as you (${user.email}) until the time you choose, never beyond your own access.
You can revoke it at any time. Support never asks for your password.</p>
${model.formError ? html`<p class="error" role="alert">${model.formError}</p>` : ''}
<form class="card" method="post" action="/grants" novalidate>
<input type="hidden" name="csrf" value="${user.csrf}">
<label for="durationHours">Duration (hours, at most ${model.maxHours})</label>
<input id="durationHours" name="durationHours" inputmode="decimal" value="${value('durationHours', String(model.defaultHours))}" aria-describedby="durationHours-error">
${fieldError(model.errors, 'durationHours')}
<label for="level">Access level</label>
<select id="level" name="level">${options(model.levels, value('level', model.levels[model.levels.length - 1] ?? ''))}</select>
${fieldError(model.errors, 'level')}
<fieldset><legend>Scope</legend>
${model.wholeAccount ? html`<label><input type="radio" name="scope" value="all"${checked(scope === 'all')}> Whole account</label>` : ''}
<label><input type="radio" name="scope" value="workspaces"${checked(scope === 'workspaces')}> Only these workspaces:</label>
${model.workspaces.map((w) => html`<label class="inline-check"><input type="checkbox" name="workspaces" value="${w}"${checked(chosen.has(w))}> ${w}</label>`)}
${fieldError(model.errors, 'scope')}${fieldError(model.errors, 'workspaces')}
</fieldset>
<label for="environment">Environment</label>
<select id="environment" name="environment">${options(model.environments, value('environment', 'production'))}</select>
${fieldError(model.errors, 'environment')}
<p><button type="submit">Grant access</button> <a href="/">Cancel</a></p>
</form>`,
    user,
  );
}
