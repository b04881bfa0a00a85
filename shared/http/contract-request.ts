import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../domain/errors';
import type { Contract } from '../contracts/contract';
import type { CONTRACTS } from '../contracts';
import type { HttpFunctionName, RouteHandler, RouteKey } from './routes';
import { formBody, jsonBody } from './request';

type Out<S> = S extends z.ZodMiniType ? z.output<S> : Record<string, never>;

export interface ContractRequest<C extends Contract> {
  params: Out<C['params']>;
  query: Out<C['query']>;
  body: Out<C['body']>;
}

/** A contract without a query takes none. */
const NOTHING = z.strictObject({});

/**
 * The request as its contract takes it: path parameters, query and body each validated against
 * their schema. Any problem is one 400 naming every field at fault (the first as `field`); a field
 * the contract does not know is refused (`unknown_field`), so nothing sent is silently dropped.
 */
export function contractRequest<C extends Contract>(contract: C, event: APIGatewayProxyEventV2, invalidCode = 'invalid_input'): ContractRequest<C> {
  const fields: Record<string, string> = {};
  let unknown = false;
  const part = (schema: z.ZodMiniType | undefined, raw: unknown, where: string, whole: string): unknown => {
    if (!schema) return {};
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        unknown = true;
        for (const key of issue.keys) fields[String(issue.path[0] ?? key)] ??= `Unknown ${where} "${key}": this operation does not take it.`;
      } else {
        fields[String(issue.path[0] ?? whole)] ??= issue.message;
      }
    }
    return undefined;
  };
  const params = part(contract.params, event.pathParameters ?? {}, 'path parameter', 'path');
  const query = part(contract.query ?? NOTHING, event.queryStringParameters ?? {}, 'query parameter', 'query');
  const body = contract.body ? part(contract.body, contract.bodyMedia === 'application/x-www-form-urlencoded' ? formBody(event) : jsonBody(event), 'field', 'body') : {};
  const [first] = Object.entries(fields);
  if (first) throw new ValidationError(first[0], first[1], unknown && Object.keys(fields).length === 1 ? 'unknown_field' : invalidCode, fields);
  return { params, query, body } as ContractRequest<C>;
}

type ContractKey = keyof typeof CONTRACTS;

/** A route's handler given its principal and its request, validated against the route's contract. */
export type ContractHandler<K extends ContractKey, P> = (request: ContractRequest<(typeof CONTRACTS)[K]> & { principal: P }, event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

/**
 * The handlers of a function whose every route has a contract: each first authenticates the
 * caller, then validates the request against the route's contract, so no route can skip either.
 * A function passes its own contracts (not the whole set), so its cold start builds only those.
 */
export function contractRoutes<F extends HttpFunctionName, P>(
  contracts: { [K in RouteKey<F> & ContractKey]: (typeof CONTRACTS)[K] },
  authenticate: (event: APIGatewayProxyEventV2) => P,
  handlers: { [K in RouteKey<F> & ContractKey]: ContractHandler<K, P> },
): Record<RouteKey<F> & ContractKey, RouteHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([key, handle]) => [
      key,
      (event: APIGatewayProxyEventV2) => {
        const principal = authenticate(event);
        const request = contractRequest((contracts as Record<string, Contract>)[key]!, event) as ContractRequest<(typeof CONTRACTS)[ContractKey]>;
        return (handle as ContractHandler<ContractKey, P>)({ ...request, principal }, event);
      },
    ]),
  ) as Record<RouteKey<F> & ContractKey, RouteHandler>;
}
