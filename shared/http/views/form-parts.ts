import { html, type SafeHtml } from '../html';

/** Small pieces every form uses (GOV.UK patterns: error summary, hints, aria-invalid). */
export const fieldError = (errors: Record<string, string>, field: string) =>
  errors[field] ? html`<span class="field-error" id="${field}-error"><span class="visually-hidden">Error: </span>${errors[field]}</span>` : '';

/** `aria-invalid` and the ids that describe a field: its hint, then its error. */
export const described = (errors: Record<string, string>, field: string, hint = false): SafeHtml => {
  const ids = [hint ? `${field}-hint` : '', errors[field] ? `${field}-error` : ''].filter(Boolean).join(' ');
  return html`${errors[field] ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
};

/** A group of choices (a fieldset) points at its error; `aria-invalid` belongs on the inputs, not the group. */
export const groupDescribed = (errors: Record<string, string>, field: string): SafeHtml | '' => (errors[field] ? html` aria-describedby="${field}-error"` : '');

export const selected = (on: boolean) => (on ? html` selected` : '');
export const checked = (on: boolean) => (on ? html` checked` : '');

export const options = (items: readonly string[], current: string, labels: Record<string, string> = {}) =>
  items.map((i) => html`<option value="${i}"${selected(i === current)}>${labels[i] ?? i}</option>`);

export const formError = (message?: string) => (message ? html`<p class="error" role="alert">${message}</p>` : '');

/**
 * Every problem with the form at once, each linking to its field; it takes focus when the page
 * loads (no script needed), so a screen reader starts there.
 */
export function errorSummary(errors: Record<string, string>, message?: string): SafeHtml | '' {
  const fields = Object.entries(errors);
  if (!fields.length && !message) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">There is a problem</h2>${message ? html`<p>${message}</p>` : ''}
${fields.length ? html`<ul>${fields.map(([field, text]) => html`<li><a href="#${field}">${text}</a></li>`)}</ul>` : ''}</div>`;
}

export const csrfField = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;

export const when = (iso: string | undefined) => (iso ? `${iso.replace('T', ' ').slice(0, 19)} UTC` : '');

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Thu 27 Nov 2026, 19:38 UTC": how a person reads an end time (the portal script makes it local). */
export function readableTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** A `<time>` element: readable UTC text, the exact instant in `datetime` and on hover. */
export const timeElement = (iso: string): SafeHtml => html`<time datetime="${iso}" title="${when(iso)}">${readableTime(iso)}</time>`;
