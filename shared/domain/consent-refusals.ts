import { auditActor, type ImpersonatedSessionError } from './actor';
import type { Clock } from './clock';
import type { Store } from '../ports/store';

export type RefusalDeps = { store: Store; clock: Clock };

/** Appends `consent.refused_impersonated`: support, acting as the user, tried to change access on `route`. */
export async function recordImpersonatedRefusal(deps: RefusalDeps, refusal: ImpersonatedSessionError, route: string): Promise<void> {
  await deps.store.commit({
    orgId: refusal.user.orgId,
    writes: [],
    audit: [
      {
        at: deps.clock.now().toISOString(),
        actor: auditActor({ type: 'impersonated', user: refusal.user, agent: refusal.agent }),
        action: 'consent.refused_impersonated',
        target: { type: 'route', id: route },
        after: { route, refused: 'impersonated_session' },
      },
    ],
    notices: [],
  });
}
