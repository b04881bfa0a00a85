import { CONTRACTS } from '../../shared/contracts';
import { GatewayMessage, Problem, type Contract } from '../../shared/contracts/contract';
import { problemStatuses } from '../../shared/contracts/openapi';
import { ROUTES, routeKeyOf } from '../../shared/http/routes';

/**
 * The contract test: every response the tests receive from the support, product and admin APIs
 * is held to its operation's contract — a status the contract does not document, or a field its
 * schema does not list, throws, failing the test that made the call.
 */

const OPERATIONS = ROUTES.flatMap((route) => {
  const contract = (CONTRACTS as Record<string, Contract>)[routeKeyOf(route)];
  if (!contract) return [];
  const pattern = new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`);
  return [{ method: route.method, pattern, key: routeKeyOf(route), contract }];
});

/** The operation a request goes to, if it is one of the JSON APIs'. */
export function operationOf(method: string, path: string): { key: string; contract: Contract } | undefined {
  const bare = path.split('?')[0]!;
  return OPERATIONS.find((op) => op.method === method.toUpperCase() && op.pattern.test(bare));
}

/** Throws when a response breaks its operation's contract; other routes (the portal's pages) pass. */
export function checkResponse(method: string, path: string, status: number, contentType: string | null, body: unknown): void {
  const operation = operationOf(method, path);
  if (!operation) return;
  const { key, contract } = operation;
  const success = contract.responses()[status];
  const schema = success ? success.schema : problemStatuses(contract).includes(status) ? (contentType?.startsWith('application/problem+json') ? Problem() : GatewayMessage()) : undefined;
  if (!schema) throw new Error(`Contract: ${key} answered ${status}, which its contract does not document (${JSON.stringify(body).slice(0, 300)}).`);
  const result = schema.safeParse(body);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new Error(`Contract: ${key} answered ${status} with a body its contract does not describe — ${issues}. Body: ${JSON.stringify(body).slice(0, 500)}`);
  }
}
