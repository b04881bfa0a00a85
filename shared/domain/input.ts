import { ValidationError } from './errors';

/**
 * The one normalizer for text and numbers that reach a page, an email or an audit row. Small named
 * functions, so request schemas can reuse them as refinements.
 */

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** The same, but newline and tab are allowed (multi-line fields). */
const CONTROL_BUT_NEWLINE_AND_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

export interface TextRule {
  field: string;
  label: string;
  max: number;
  required?: boolean;
}

function present(raw: unknown, rule: TextRule): string {
  if (raw !== undefined && raw !== null && typeof raw !== 'string') throw new ValidationError(rule.field, `${rule.label} must be text.`);
  const value = (raw ?? '').trim();
  if ((rule.required ?? true) && !value) throw new ValidationError(rule.field, `${rule.label} is required.`);
  if ([...value].length > rule.max) throw new ValidationError(rule.field, `${rule.label} must be at most ${rule.max} characters.`);
  return value;
}

/** One line: no line breaks or other control characters (they could split an email header or a CSV row). */
export function singleLine(raw: unknown, rule: TextRule): string {
  const value = present(raw, rule);
  if (CONTROL.test(value)) throw new ValidationError(rule.field, `${rule.label} must be a single line without control characters.`);
  return value;
}

/** Several lines: newlines (CR LF becomes LF) and tabs are kept, other control characters refused. */
export function multiLine(raw: unknown, rule: TextRule): string {
  const value = present(typeof raw === 'string' ? raw.replace(/\r\n?/g, '\n') : raw, rule);
  if (CONTROL_BUT_NEWLINE_AND_TAB.test(value)) throw new ValidationError(rule.field, `${rule.label} must not contain control characters other than line breaks and tabs.`);
  return value;
}

const DECIMAL = /^(0|[1-9]\d{0,8})(\.\d{1,20})?$/;

/**
 * A plain decimal number as typed in a form ("2", "0.5"): no hex, exponent, sign, blanks or
 * other digits; a JSON number is taken as it is if finite. Range checks stay with the rule.
 */
export function decimal(raw: unknown, field: string, label: string): number {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new ValidationError(field, `${label} must be a number.`);
    return raw;
  }
  if (typeof raw !== 'string' || !DECIMAL.test(raw)) {
    throw new ValidationError(field, `${label} must be a plain decimal number like 2 or 0.5${typeof raw === 'string' && raw !== '' ? `, not "${raw.slice(0, 20)}"` : ''}.`);
  }
  return Number(raw);
}

/** A whole decimal number (e.g. required approvals). */
export function wholeNumber(raw: unknown, field: string, label: string): number {
  const value = decimal(raw, field, label);
  if (!Number.isInteger(value)) throw new ValidationError(field, `${label} must be a whole number.`);
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email address (lower-cased), at most 254 characters as SMTP allows. */
export function email(raw: unknown, field: string, label = 'An email address', required = true): string {
  const value = singleLine(raw, { field, label, max: 254, required }).toLowerCase();
  if (value && !EMAIL.test(value)) throw new ValidationError(field, `${label} must be an email address.`);
  return value;
}

const ID = /^[A-Za-z0-9_-]{1,100}$/;

/** An id from a path or a body (grant, case, session): letters, digits, `-` and `_`, at most 100. */
export function id(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || !ID.test(raw)) throw new ValidationError(field, `${field} must be an id: up to 100 letters, digits, "-" or "_".`);
  return raw;
}
