import type { Environment, Level } from '../../domain/model';
import { html } from '../html';
import { layout, type PageUser } from './layout';

export interface GrantFormModel {
  levels: Level[];
  environments: Environment[];
  defaultHours: number;
  maxHours: number;
  values: Record<string, string>;
  errors: Record<string, string>;
  formError?: string;
}

const fieldError = (errors: Record<string, string>, field: string) =>
  errors[field] ? html`<span class="field-error" id="${field}-error">${errors[field]}</span>` : '';

export function grantFormPage(user: PageUser, model: GrantFormModel): string {
  const value = (f: string, fallback: string) => model.values[f] ?? fallback;
  const options = (items: readonly string[], selected: string) =>
    items.map((i) => html`<option value="${i}"${i === selected ? html` selected` : ''}>${i}</option>`);
  return layout(
    'Grant login access',
    html`<h1>Grant login access</h1>
<p>Support will be able to log in as you (${user.email}) until the time you choose. You can revoke it at any time.
Support never asks for your password.</p>
${model.formError ? html`<p class="error" role="alert">${model.formError}</p>` : ''}
<form class="card" method="post" action="/grants" novalidate>
<input type="hidden" name="csrf" value="${user.csrf}">
<label for="durationHours">Duration (hours, at most ${model.maxHours})</label>
<input id="durationHours" name="durationHours" inputmode="decimal" value="${value('durationHours', String(model.defaultHours))}"
 aria-describedby="durationHours-error">
${fieldError(model.errors, 'durationHours')}
<label for="level">Access level</label>
<select id="level" name="level">${options(model.levels, value('level', model.levels[model.levels.length - 1] ?? ''))}</select>
${fieldError(model.errors, 'level')}
<label for="environment">Environment</label>
<select id="environment" name="environment">${options(model.environments, value('environment', 'production'))}</select>
${fieldError(model.errors, 'environment')}
<p><button type="submit">Grant access</button> <a href="/">Cancel</a></p>
</form>`,
    user,
  );
}
