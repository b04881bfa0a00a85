import type { ApprovalView } from '../../domain/access-requests';
import { html } from '../html';
import { csrfField, when } from './form-parts';
import { layout, type PageUser } from './layout';

/** The page an emailed link opens: who asks, for which case, why, and what approving means. */
export function approvalPage(user: PageUser, view: ApprovalView, token: string, error?: string): string {
  const { request, org } = view;
  const c = view.case;
  const approvals = request.decisions.filter((d) => d.decision === 'approve').length;
  const change = request.kind === 'change';
  return layout(
    change ? 'Change request' : 'Access request',
    html`<h1>${change ? html`Support asks to make a change in ${org.name}` : html`Support asks to access ${org.name}`}</h1>
<div class="card">
<p>${request.agent.name ? html`<strong>${request.agent.name}</strong> (${request.agent.email})` : html`<strong>${request.agent.email}</strong>`} from the support team asks ${change ? 'for your written approval of a change' : 'for permission to access your account'} for the case
<a href="/cases/${c.caseId}">“${c.subject}”</a>.</p>
<p><strong>${change ? 'The change' : 'Why'}:</strong> <span id="justification">${request.justification}</span></p>
${
  change
    ? html`<p><strong>What approving means:</strong> support's sessions for this case may then change data and configuration (the write scope), never users or permissions —
only through grant <code id="change-grant">${request.change?.grantId ?? ''}</code>, acting as <strong>${request.change?.actAs ?? ''}</strong>, in <strong>${request.change?.environment ?? ''}</strong>,
until <strong id="change-until">${when(request.change?.until ?? '')}</strong>; nowhere else in ${org.name}.
Until then support can only look. Your comment is kept as the written approval in your audit trail.</p>`
    : html`<p><strong>What approving means:</strong> support may then activate access for this case. It acts with your organization's support profile
(${org.settings.supportProfile.level} level), lasts while the case is open, ends when it is solved, and everything support does is in your audit trail.
Support never asks for your password.</p>`
}
<p class="muted">Expires ${when(request.expiresAt)}. ${request.requiredApprovals > 1 ? `${approvals} of ${request.requiredApprovals} approvals so far.` : ''}</p>
</div>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${
  view.eligible && !view.alreadyDecidedByYou
    ? html`<form class="card" method="post" action="/approvals/${token}">${csrfField(user.csrf)}
<label for="comment">${change ? 'Comment (required: your written approval, or why not)' : 'Comment (optional)'}</label><textarea id="comment" name="comment" rows="3" cols="60"></textarea>
<p><button type="submit" name="decision" value="approve" class="primary">Approve</button> <button type="submit" name="decision" value="deny" class="danger">Deny</button></p></form>`
    : view.alreadyDecidedByYou
      ? html`<p class="notice">You already approved this request; it is waiting for other approvers.</p>`
      : html`<p class="error" role="alert">${view.whoMayApprove}</p>`
}`,
    user,
  );
}
