import { ValidationError } from '../../domain/errors';
import type { Environment, Grant, Level } from '../../domain/model';
import { html } from '../html';
import { checked, csrfField, described, errorSummary, fieldError, groupDescribed, readableTime, timeElement } from './form-parts';
import { layout, type PageUser } from './layout';

export interface GrantFormModel {
  levels: Level[];
  environments: Environment[];
  /** Whether the granter has the whole account to give. */
  wholeAccount: boolean;
  workspaces: string[];
  defaultHours: number;
  maxHours: number;
  /** Whether the stage allows grants shorter than an hour (the test stage). */
  fractionalHours: boolean;
  now: Date;
  /** Grants already acting as this user: offered to change instead of adding another. */
  existing: Grant[];
  values: Record<string, string>;
  errors: Record<string, string>;
  formError?: string;
}

/** The durations offered as one click; those above the org's maximum are not offered. */
export const DURATION_PRESETS: { hours: number; label: string }[] = [
  { hours: 4, label: '4 hours' },
  { hours: 24, label: '1 day' },
  { hours: 72, label: '3 days' },
  { hours: 120, label: '5 days' },
  { hours: 336, label: '2 weeks' },
];

export const LEVEL_HINTS: Record<Level, string> = {
  monitor: 'Look only: support sees what you see and changes nothing.',
  manage: 'Look and change day-to-day data, as you can; no settings or users.',
  admin: 'Everything you can do, including settings and users.',
};

export const presetsUpTo = (maxHours: number) => DURATION_PRESETS.filter((p) => p.hours <= maxHours);

/**
 * The duration the form asks for: a preset's hours, or the custom hours typed under "Custom".
 * A preset that was not offered is refused (naming `preset`); the hours themselves are the
 * domain's to check.
 */
export function durationFromForm(form: Record<string, string | undefined>, maxHours: number): string | undefined {
  const preset = form.preset;
  if (preset === undefined || preset === '' || preset === 'custom') return form.durationHours;
  if (!presetsUpTo(maxHours).some((p) => String(p.hours) === preset)) {
    throw new ValidationError('preset', `Choose one of the offered durations or Custom (at most ${maxHours} hours).`);
  }
  return preset;
}

const endsAt = (now: Date, hours: number) => new Date(now.getTime() + hours * 3_600_000).toISOString();

/** The "Grant login access" form: only what the granter may give, least privilege preselected. */
export function grantFormPage(user: PageUser, model: GrantFormModel): string {
  const { errors, now } = model;
  const value = (f: string, fallback: string) => model.values[f] ?? fallback;
  const presets = presetsUpTo(model.maxHours);
  const defaultPreset = presets.find((p) => p.hours === model.defaultHours) ? String(model.defaultHours) : 'custom';
  const preset = value('preset', model.values.durationHours !== undefined ? 'custom' : defaultPreset);
  const level = value('level', model.levels[0] ?? 'monitor');
  // The narrowest scope: a granter with the whole account still has to pick it deliberately.
  const scope = value('scope', model.workspaces.length ? 'workspaces' : 'all');
  const chosen = new Set(value('workspaces', model.workspaces.length === 1 ? model.workspaces[0]! : '').split(',').filter(Boolean));
  // Production unless the org has only a sandbox support may use.
  const environment = value('environment', model.environments.includes('production') ? 'production' : (model.environments[0] ?? ''));
  return layout(
    'Grant login access',
    html`<h1>Grant login access</h1>
<p>Support will be able to log in as you (${user.email}) until the time you choose, never beyond your own access.
You can change the end time or revoke it at any time. Support never asks for your password.</p>
${errorSummary(errors, model.formError)}
${
  model.existing.length
    ? html`<div class="warning" id="existing-grants"><p>Support already has access as you:</p><ul>${model.existing.map(
        (g) => html`<li>${g.level}, ${g.workspaces === 'all' ? 'whole account' : g.workspaces.join(', ')}, ${g.environment} — ends ${timeElement(g.expiresAt)}</li>`,
      )}</ul><p>To give support more time, <a href="/">change the end time of that grant</a> instead of adding another.</p></div>`
    : ''
}
<form class="card" method="post" action="/grants" novalidate>
${csrfField(user.csrf)}
<fieldset class="conditional" id="preset"${groupDescribed(errors, 'preset')}><legend>How long?</legend>
${fieldError(errors, 'preset')}
${presets.map(
  (p) => html`<label class="choice"><input type="radio" name="preset" value="${p.hours}"${checked(preset === String(p.hours))}>
<span>${p.label}<span class="hint">ends ${timeElement(endsAt(now, p.hours))}</span></span></label>`,
)}
<label class="choice"><input type="radio" name="preset" value="custom" data-reveals${checked(preset === 'custom')}><span>Custom</span></label>
<div class="reveal"><label for="durationHours">Hours from now <span class="hint" id="durationHours-hint">${model.fractionalHours ? 'Up to' : 'Whole hours, up to'} ${model.maxHours} (ends ${readableTime(endsAt(now, Math.min(model.defaultHours, model.maxHours)))} for ${model.defaultHours}).</span></label>
${fieldError(errors, 'durationHours')}
<input id="durationHours" name="durationHours" inputmode="decimal" size="6" value="${value('durationHours', String(model.defaultHours))}"${described(errors, 'durationHours', true)}></div>
</fieldset>
<fieldset id="level"${groupDescribed(errors, 'level')}><legend>What may support do?</legend>
${fieldError(errors, 'level')}
${model.levels.map(
  (l) => html`<label class="choice"><input type="radio" name="level" value="${l}"${checked(level === l)}><span>${l}<span class="hint">${LEVEL_HINTS[l]}</span></span></label>`,
)}
</fieldset>
<fieldset class="conditional" id="scope"${groupDescribed(errors, 'scope')}><legend>Where?</legend>
${fieldError(errors, 'scope')}
${model.wholeAccount ? html`<label class="choice"><input type="radio" name="scope" value="all"${checked(scope === 'all')}><span>Whole account<span class="hint">Every workspace, including ones added later.</span></span></label>` : ''}
${
  model.workspaces.length
    ? html`<label class="choice"><input type="radio" name="scope" value="workspaces" data-reveals${checked(scope === 'workspaces')}><span>Only these workspaces</span></label>
<div class="reveal" id="workspaces">${fieldError(errors, 'workspaces')}
${model.workspaces.map((w) => html`<label class="choice"><input type="checkbox" name="workspaces" value="${w}"${checked(chosen.has(w))}><span>${w}</span></label>`)}</div>`
    : ''
}
</fieldset>
<fieldset id="environment"${groupDescribed(errors, 'environment')}><legend>Which environment?</legend>
${fieldError(errors, 'environment')}
${model.environments.map((e) => html`<label class="choice"><input type="radio" name="environment" value="${e}"${checked(environment === e)}><span>${e}</span></label>`)}
</fieldset>
<p><button type="submit" class="primary">Grant access</button> <a href="/">Cancel</a></p>
</form>`,
    user,
  );
}
