import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { meta, once } from './fields';

// zod/mini ships without messages: the English ones, as classic zod sets them.
z.config(en());

/**
 * One operation's contract: what it takes (path parameters, query, body) and what it answers
 * (each documented status with its schema). Requests are validated against it in the function;
 * the OpenAPI document is generated from it; the contract test holds every response to it.
 */
export interface Contract {
  summary: string;
  description?: string;
  /** Who calls it: agents (bearer JWT with the staff scope), the product (HTTP Basic), platform admins (SigV4), anyone. */
  security: 'agent' | 'product' | 'admin' | 'public';
  params?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  /** How the body is sent; JSON unless said otherwise (RFC 7662 introspection takes a form). */
  bodyMedia?: 'application/json' | 'application/x-www-form-urlencoded';
  /**
   * The success answers: status → what it means and its body. Built on first use (`contract`
   * keeps them): they serve the OpenAPI document and the contract tests, never a request, so no
   * cold start builds them.
   */
  responses: () => Record<number, { description: string; schema: z.ZodMiniType; headers?: Record<string, string> }>;
  /** The problem statuses it can answer with (RFC 9457 problem details, or the gateway's own message). */
  problems: number[];
  /** An example exchange: the request body (or form) and the success response. */
  example: { request?: unknown; status: number; response: unknown };
}

/**
 * Declares a contract, keeping its schemas' types for the handler. It is built on first use — a
 * function's cold start builds no route's schemas; a request builds its own route's (and the
 * responses only when they are asked for) — and read like the plain object it builds.
 */
export function contract<C extends Contract>(build: () => C): C {
  const built = once((): C => {
    const c = build();
    return { ...c, responses: once(c.responses) };
  });
  return new Proxy({} as C, {
    get: (_target, key) => built()[key as keyof C],
    has: (_target, key) => key in built(),
    ownKeys: () => Reflect.ownKeys(built()),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(built(), key),
  });
}

/** An RFC 9457 problem document, as every function answers errors. */
export const Problem = once(() =>
  meta(
    z.strictObject({
      type: meta(z.string(), { description: 'A URI naming the problem kind' }),
      title: meta(z.string(), { description: 'The machine-readable code, e.g. grant_expired' }),
      status: z.int(),
      detail: meta(z.string(), { description: 'What went wrong, for a person' }),
      field: meta(z.optional(z.string()), { description: 'The request field at fault (400)' }),
      endReason: meta(z.optional(z.string()), { description: 'What ended the grant (403 grant_*)' }),
      requestId: meta(z.optional(z.string()), { description: 'To quote to the vendor (500)' }),
    }),
    { id: 'Problem', description: 'RFC 9457 problem details' },
  ),
);

/** What API Gateway itself answers (authorizer refusals, throttling, size limits, timeouts). */
export const GatewayMessage = once(() => meta(z.strictObject({ message: z.string() }), { id: 'GatewayMessage', description: 'An answer of API Gateway itself, before any function ran' }));

/** Statuses API Gateway answers on its own for every route: 413 body too large, 429 throttled, 431 request line and headers too large, 500/502/503/504. */
export const GATEWAY_STATUSES = [413, 429, 431, 500, 502, 503, 504] as const;
