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
  /** Every invalid field with its message (a form reports them all); `field` is the first. */
  readonly fields: Record<string, string>;
  constructor(
    readonly field: string,
    message: string,
    code = 'invalid_input',
    fields?: Record<string, string>,
  ) {
    super(code, message);
    this.fields = fields ?? { [field]: message };
  }
}

/** Gathers every field's problem, so a form is answered with all of them at once. */
export class FieldErrors {
  private readonly found: Record<string, string> = {};

  /** Runs one field's parse; its ValidationError is kept and `undefined` returned. */
  check<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      Object.assign(this.found, error.fields);
      return undefined;
    }
  }

  /** Throws one ValidationError naming every field found, the first as its `field`. */
  throwIfAny(): void {
    const [first] = Object.entries(this.found);
    if (first) throw new ValidationError(first[0], first[1], 'invalid_input', { ...this.found });
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
