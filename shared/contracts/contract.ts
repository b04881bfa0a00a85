import * as z from 'zod';

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
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** How the body is sent; JSON unless said otherwise (RFC 7662 introspection takes a form). */
  bodyMedia?: 'application/json' | 'application/x-www-form-urlencoded';
  /** The success answers: status → what it means and its body. */
  responses: Record<number, { description: string; schema: z.ZodType; headers?: Record<string, string> }>;
  /** The problem statuses it can answer with (RFC 9457 problem details, or the gateway's own message). */
  problems: number[];
  /** An example exchange: the request body (or form) and the success response. */
  example: { request?: unknown; status: number; response: unknown };
}

/** Declares a contract, keeping its schemas' types for the handler. */
export const contract = <C extends Contract>(c: C): C => c;

/** An RFC 9457 problem document, as every function answers errors. */
export const Problem = z
  .strictObject({
    type: z.string().meta({ description: 'A URI naming the problem kind' }),
    title: z.string().meta({ description: 'The machine-readable code, e.g. grant_expired' }),
    status: z.int(),
    detail: z.string().meta({ description: 'What went wrong, for a person' }),
    field: z.string().optional().meta({ description: 'The request field at fault (400)' }),
    endReason: z.string().optional().meta({ description: 'What ended the grant (403 grant_*)' }),
    requestId: z.string().optional().meta({ description: 'To quote to the vendor (500)' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** What API Gateway itself answers (authorizer refusals, throttling, size limits, timeouts). */
export const GatewayMessage = z.strictObject({ message: z.string() }).meta({ id: 'GatewayMessage', description: 'An answer of API Gateway itself, before any function ran' });

/** Statuses API Gateway answers on its own for every route: 413 body too large, 429 throttled, 431 request line and headers too large, 500/502/503/504. */
export const GATEWAY_STATUSES = [413, 429, 431, 500, 502, 503, 504] as const;
