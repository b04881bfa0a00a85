import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { ImpersonatedSessionError } from '../domain/actor';
import { DomainError, ValidationError } from '../domain/errors';
import { htmlPage as page } from './portal-session';
import { statusOf } from './problem';

/** Runs a form action; validation errors re-render the form (400), refusals show it with the reason. */
export async function formAction(action: () => Promise<APIGatewayProxyResultV2>, rerender: (errors: Record<string, string>, formError?: string) => string | Promise<string>) {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ValidationError) return page(400, await rerender(error.fields));
    // Refusing a "log in as" session is the boundary's job (refusal page and audit), not the form's.
    if (error instanceof ImpersonatedSessionError) throw error;
    if (error instanceof DomainError) return page(statusOf(error), await rerender({}, error.message));
    throw error;
  }
}
