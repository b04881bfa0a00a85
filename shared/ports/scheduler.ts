/**
 * What the `expire` worker receives when a one-time schedule fires (grant, request, warning), and
 * what the sweep finds overdue (also `sessions`: an ended grant whose sessions are still to end;
 * `notice`: a notice not delivered in time, to re-drive).
 */
export type ExpiryTarget = { type: 'grant' | 'request' | 'warning' | 'sessions' | 'notice' | 'deletion'; orgId: string; id: string };

/** One-time schedules that end things at the second they are due. */
export interface Scheduler {
  /** Creates or moves the schedule `name` to fire once at `at` with `target` as input. */
  scheduleAt(name: string, at: Date, target: ExpiryTarget): Promise<void>;
  /** Deletes it; deleting one that is already gone is not an error. */
  cancel(name: string): Promise<void>;
}

export const grantScheduleName = (grantId: string): string => `grant-${grantId}`;

/** The "ends in 24 hours" notice of a grant longer than a day has its own schedule. */
export const warningScheduleName = (grantId: string): string => `warn-${grantId}`;
