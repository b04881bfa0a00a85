import { ForbiddenError } from './errors';
import type { AuditActor, Person, UserProfile } from './model';

/**
 * Who is acting, built once per request and handed to every domain service as its principal:
 * - `customer`: a customer user in person (a portal sign-in without an `act` claim);
 * - `impersonated`: a support agent acting as that customer, through a portal session that came
 *   from "log in as" (its sign-in carried an RFC 8693 `act` claim);
 * - `agent`: a support agent on the support API;
 * - `platform`: the vendor's platform admin (an IAM principal);
 * - `system`: the scheduler, the sweep, the stream.
 */
export type Actor =
  | { type: 'customer'; user: UserProfile }
  | { type: 'impersonated'; user: UserProfile; agent: string }
  | { type: 'agent'; agent: Person }
  | { type: 'platform'; id: string }
  | { type: 'system'; id: string };

export const customer = (user: UserProfile): Actor => ({ type: 'customer', user });
export const agent = (person: Person): Actor => ({ type: 'agent', agent: person });
export const system = (id: string): Actor => ({ type: 'system', id });

/** The portal's principal: in person, or support acting as the user when the sign-in carried `act`. */
export const portalActor = (user: UserProfile, actingAgent: string | undefined): Actor =>
  actingAgent ? { type: 'impersonated', user, agent: actingAgent } : customer(user);

/**
 * Consent — granting, extending, approving or denying, changing remote access or settings, ending
 * access — is given by a customer in person (Salesforce: no granting while logged in through
 * login access). Support acting as the customer is refused here, in the one place every
 * consent-changing service calls first.
 */
export class ImpersonatedSessionError extends ForbiddenError {
  constructor(
    readonly agent: string,
    readonly user: UserProfile,
  ) {
    super(
      'impersonated_session',
      `You are signed in through support's login access (${agent} acting as ${user.email}); only ${user.name} in person can change access. Pages that only show information stay available.`,
    );
  }
}

/** The customer user giving consent in person; anyone else is refused. */
export function inPerson(actor: Actor): UserProfile {
  if (actor.type === 'customer') return actor.user;
  if (actor.type === 'impersonated') throw new ImpersonatedSessionError(actor.agent, actor.user);
  throw new ForbiddenError('customer_only', 'Only a customer user, in person, can do this.');
}

/** The customer user whose view a read shows: in person, or acted as by support. */
export function viewerOf(actor: Actor): UserProfile {
  if (actor.type === 'customer' || actor.type === 'impersonated') return actor.user;
  throw new ForbiddenError('customer_only', 'Only a customer user can see this page.');
}

/** The audit record's actor, always derived from the principal (never from a user profile alone). */
export function auditActor(actor: Actor): AuditActor {
  switch (actor.type) {
    case 'customer':
      return { type: 'user', id: actor.user.email, email: actor.user.email };
    case 'impersonated':
      return { type: 'agent', id: actor.agent, email: actor.agent, actingAs: actor.user.email };
    case 'agent':
      return { type: 'agent', id: actor.agent.id, email: actor.agent.email };
    case 'platform':
      return { type: 'platform', id: actor.id };
    case 'system':
      return { type: 'system', id: actor.id };
  }
}
