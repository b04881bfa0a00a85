/**
 * Typed domain errors. The domain never speaks HTTP; `shared/http/problem.ts` maps each kind
 * to a status once.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  /** Machine-readable reason, e.g. `grant_expired`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad input: names the field so forms and problem documents can point at it. */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  constructor(readonly field: string, message: string, code = 'invalid_input') {
    super(code, message);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
  constructor(message = 'Sign-in required.') {
    super('unauthenticated', message);
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(what: string, id: string) {
    super(`${what}_not_found`, `No ${what} ${id} here.`);
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

/** The grant exists but no longer lets anyone in; `code` says why (expired, revoked, ...), `endReason` what ended it. */
export class GrantInactiveError extends ForbiddenError {
  constructor(
    grantId: string,
    readonly reason: string,
    readonly endReason?: string,
  ) {
    super(`grant_${reason}`, `Grant ${grantId} is ${reason}${endReason && endReason !== reason ? ` (${endReason.replace('_', ' ')})` : ''}; it no longer gives access.`);
  }
}

/** A dependency the request needs is not reachable right now (503): nothing was changed, try again. */
export class ServiceUnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
}

/** A conditional write lost a race: the item changed between read and write. */
export class ConcurrentChangeError extends ConflictError {
  constructor(message = 'Something changed at the same time; nothing was written. Try again.') {
    super('concurrent_change', message);
  }
}
