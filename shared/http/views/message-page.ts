import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import { html } from '../html';
import { layout, type PageUser } from './layout';

/** A page that only says something: errors, refusals, "signed out" — with the way on. */
export function messagePage(title: string, message: string, user?: PageUser, next?: string): string {
  return layout(
    title,
    html`<h1>${title}</h1><p class="message">${message}</p>${next ? html`<p class="next">${next}</p>` : ''}<p><a href="/">Back to the dashboard</a></p>`,
    user,
  );
}

/** Refusals a customer meets, each with a title that says what happened and what to do next. */
const REFUSALS: Record<string, { title: string; next?: string }> = {
  admins_only: { title: 'Administrators only', next: 'Ask an administrator of your organization to do this for you.' },
  non_admin_grants_disabled: { title: 'Administrators only', next: 'Ask an administrator to grant access, or to let non-administrators grant it (Settings).' },
  policy_never: { title: 'Administrators only under your policy', next: "Your organization's policy is Never: ask an administrator." },
  plan_not_eligible: {
    title: 'Not available on your plan',
    next: 'Support access (login access and remote access for cases) comes with the paid plan. Ask your account manager to move your organization to it.',
  },
  org_suspended: { title: 'Account suspended', next: 'Support access is off while the account is suspended. Contact your account manager.' },
  csrf_failed: { title: 'This form has expired', next: 'Go back, reload the page and submit it again.' },
  not_granter: { title: 'Not your grant', next: 'Only the person who granted it, or an administrator, can change it.' },
  not_case_contact: { title: 'Not your case', next: 'Only the person who opened the case, or an administrator, can change it.' },
  not_eligible_approver: { title: 'You cannot decide this request' },
  level_above_granter: { title: 'Above your own access', next: 'You can grant at most your own level and workspaces.' },
  scope_above_granter: { title: 'Above your own access', next: 'You can grant at most your own level and workspaces.' },
  workspace_above_granter: { title: 'Above your own access', next: 'You can grant at most your own level and workspaces.' },
  environment_not_allowed: { title: 'Environment not available' },
  grant_inactive: { title: 'This access has already ended' },
  case_solved: { title: 'This case is solved' },
};

/** The page for a refused request: its own title, the reason, what to do next; navigation kept. */
export function refusalPage(error: DomainError, user?: PageUser): string {
  const known = REFUSALS[error.code];
  const title =
    known?.title ??
    (error instanceof NotFoundError ? 'Not found' : error instanceof ConflictError ? 'Someone changed this first' : error instanceof ValidationError ? 'Check what you entered' : error instanceof ForbiddenError ? 'Not allowed' : 'That did not work');
  const next = known?.next ?? (error instanceof ConflictError ? 'Reload the page to see the current state, then try again.' : undefined);
  return messagePage(title, error.message, user, next);
}
