import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, GrantInactiveError, ValidationError, type ErrorKind } from '../domain/errors';

/** The one mapping from domain error kinds to HTTP statuses. */
export const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unavailable: 503,
};

export function statusOf(error: unknown): number {
  return error instanceof DomainError ? STATUS[error.kind] : 500;
}

/** RFC 9457 problem details for the JSON APIs; unknown errors never leak their message. */
export function problemResponse(error: unknown, requestId?: string): APIGatewayProxyStructuredResultV2 {
  const status = statusOf(error);
  const body =
    error instanceof DomainError
      ? {
          type: `https://support-access.dev/problems/${error.code}`,
          title: error.code,
          status,
          detail: error.message,
          ...(error instanceof ValidationError ? { field: error.field } : {}),
          ...(error instanceof GrantInactiveError && error.endReason ? { endReason: error.endReason } : {}),
        }
      : { type: 'about:blank', title: 'internal_error', status, detail: 'Something went wrong on our side.', requestId };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});
