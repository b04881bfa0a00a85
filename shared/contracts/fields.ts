import * as z from 'zod/mini';
import { ValidationError } from '../domain/errors';
import { ENVIRONMENTS, LEVELS, PLANS } from '../domain/model';
import { email as emailOf, id as idOf, multiLine, singleLine, wholeNumber } from '../domain/input';

/**
 * The field types the API contracts are built from. Each text field runs the domain's one
 * normalizer (`shared/domain/input.ts`) as its transform, so a JSON body, a query and a form
 * field are held to the same rule and answer with the same message.
 */

/**
 * A copy of `schema` carrying `meta` (a description, an id, JSON Schema keywords) for the OpenAPI
 * document: what classic zod's `.meta()` does, here with `zod/mini`, which costs a third of
 * classic zod in every API function's cold start.
 */
export const meta = <T extends z.ZodMiniType>(schema: T, data: z.core.GlobalMeta): T => {
  const copy = schema.clone();
  z.globalRegistry.add(copy, data);
  return copy;
};

/** `build`, run on the first call and kept: a schema built once registers its `id` once. */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/** Runs a normalizer as a transform; its ValidationError becomes the field's issue. */
export function normalizedBy<T>(normalize: (raw: unknown) => T) {
  return (raw: unknown, payload: z.core.ParsePayload): T => {
    try {
      return normalize(raw);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      payload.issues.push({ code: 'custom', message: error.message, input: raw, path: [] });
      return z.NEVER;
    }
  };
}

/** `schema`, then `normalize` on what it let through. */
export const normalized = <S extends z.ZodMiniType, T>(schema: S, normalize: (raw: unknown) => T) =>
  z.pipe(schema, z.transform<z.output<S>, T>(normalizedBy(normalize)));

const textOf = (label: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${label} is required.` : `${label} must be text.`) });

/** One line of text, trimmed, at most `max` characters, no control characters; required. */
export const line = (label: string, max: number) =>
  normalized(meta(textOf(label), { description: label, minLength: 1, maxLength: max }), (raw) => singleLine(raw, { field: '', label, max }));

/** The same, optional: absent or blank is "". */
export const optionalLine = (label: string, max: number) =>
  normalized(z.optional(meta(textOf(label), { description: label, maxLength: max })), (raw) => singleLine(raw, { field: '', label, max, required: false }));

/** Several lines (CR LF becomes LF, tabs kept), optional: absent or blank is "". */
export const optionalLines = (label: string, max: number) =>
  normalized(z.optional(meta(textOf(label), { description: label, maxLength: max })), (raw) => multiLine(raw, { field: '', label, max, required: false }));

/** An email address, lower-cased. */
export const email = (label: string) => normalized(meta(textOf(label), { format: 'email', maxLength: 254, description: label }), (raw) => emailOf(raw, '', label));

/** An id (grant, case, session, page cursor): letters, digits, `-` and `_`, at most 100. */
export const id = (label: string) => normalized(meta(textOf(label), { pattern: '^[A-Za-z0-9_-]{1,100}$', description: label }), (raw) => idOf(raw, label));

/** A path parameter as API Gateway hands it over: present, at most 200 characters (an unknown one is a 404). */
export const pathId = (name: string) =>
  meta(z.string().check(z.minLength(1), z.maxLength(200, { error: `The path parameter ${name} is too long.` })), { description: `The ${name.replace(/Id$/, '')}'s id` });

/** A whole number given as query text ("25"), within bounds. */
export const wholeNumberText = (label: string, min: number, max: number) =>
  normalized(meta(textOf(label), { pattern: '^[0-9]+$', description: `${label}, ${min} to ${max}` }), (raw) => {
    const value = wholeNumber(raw, label, label);
    if (value < min || value > max) throw new ValidationError(label, `${label} must be from ${min} to ${max}.`);
    return value;
  });

/** An ISO 8601 time with a zone, as every time in the APIs is written. */
export const isoTime = (label: string) =>
  meta(z.iso.datetime({ offset: true, error: `${label} must be an ISO 8601 time with a zone (e.g. 2026-11-27T17:00:00Z).` }), { description: label });

const oneOf = <T extends readonly [string, ...string[]]>(values: T, label: string) =>
  z.enum(values, { error: `${label} must be one of ${values.join(', ')}.` });

export const level = (label = 'level') => oneOf(LEVELS, label);
export const environment = (label = 'environment') => oneOf(ENVIRONMENTS, label);
export const plan = (label = 'plan') => oneOf(PLANS, label);
export { oneOf };
