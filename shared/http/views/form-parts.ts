import { html } from '../html';

/** Small pieces every form uses. */
export const fieldError = (errors: Record<string, string>, field: string) =>
  errors[field] ? html`<span class="field-error" id="${field}-error">${errors[field]}</span>` : '';

export const selected = (on: boolean) => (on ? html` selected` : '');
export const checked = (on: boolean) => (on ? html` checked` : '');

export const options = (items: readonly string[], current: string, labels: Record<string, string> = {}) =>
  items.map((i) => html`<option value="${i}"${selected(i === current)}>${labels[i] ?? i}</option>`);

export const formError = (message?: string) => (message ? html`<p class="error" role="alert">${message}</p>` : '');

export const csrfField = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;

export const when = (iso: string | undefined) => (iso ? `${iso.replace('T', ' ').slice(0, 19)} UTC` : '');
