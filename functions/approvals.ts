import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { optionalEnv } from '../shared/config';
import { ApprovalLinkGoneError, decideRequest, readApprovalLink, viewApproval } from '../shared/domain/access-requests';
import { DomainError, ValidationError } from '../shared/domain/errors';
import { grantDepsFromEnv } from '../shared/adapters/grant-runtime';
import { sessionSecrets } from '../shared/adapters/secrets';
import { html } from '../shared/http/html';
import { httpHandler } from '../shared/http/handler';
import { htmlPage as page, PortalSessions, renderHtmlError } from '../shared/http/portal-session';
import { statusOf } from '../shared/http/problem';
import { pathParam } from '../shared/http/request';
import { dispatch } from '../shared/http/routes';
import { approvalPage } from '../shared/http/views/approval';
import { layout } from '../shared/http/views/layout';
import { messagePage } from '../shared/http/views/message-page';

const deps = grantDepsFromEnv();
const sessions = new PortalSessions(deps, sessionSecrets(), optionalEnv('COOKIE_SECURE') !== 'false');

const GONE_TITLES: Record<ApprovalLinkGoneError['why'], string> = {
  unknown: 'Link not valid',
  used: 'Link already used',
  expired: 'Request expired',
  decided: 'Request already decided',
};

/** Dead links get a 410 page saying which kind of dead they are. */
function renderApprovalError(error: unknown, event: APIGatewayProxyEventV2): APIGatewayProxyResultV2 {
  if (error instanceof ApprovalLinkGoneError) return page(410, messagePage(GONE_TITLES[error.why], error.message, sessions.pageOf(event)));
  return renderHtmlError(error, event, sessions.pageOf(event));
}

/** The link is read in the same round trip as the visitor (a path parameter that is too long is refused later, as ever). */
const prefetchLink = (event: APIGatewayProxyEventV2) => {
  const raw = event.pathParameters?.token;
  return raw && raw.length <= 200 ? readApprovalLink(deps, raw) : undefined;
};

const routes = dispatch<'approvals'>({
  /** Shows the request; requires sign-in; never changes anything (mail scanners fetch links). */
  'GET /approvals/{token}': async (event) => {
    const link = prefetchLink(event);
    const who = await sessions.visitor(event);
    const token = pathParam(event, 'token');
    const view = await viewApproval(deps, who.user, token, link);
    return page(view.eligible ? 200 : 403, approvalPage(who.page, view, token));
  },

  /** Approve or deny: a POST from the signed-in, eligible approver, with the CSRF token. */
  'POST /approvals/{token}': async (event) => {
    const link = prefetchLink(event);
    const who = await sessions.visitor(event);
    const form = await sessions.postedForm(event, who);
    const token = pathParam(event, 'token');
    try {
      const request = await decideRequest(deps, who.actor, token, form, link);
      const outcome =
        request.status === 'pending'
          ? `Thank you — your approval is recorded. ${request.requiredApprovals - request.decisions.filter((d) => d.decision === 'approve').length} more approver(s) needed.`
          : `The request is ${request.status}. Support has been told.`;
      return page(200, layout('Decision recorded', html`<h1>Decision recorded</h1><p role="status" class="notice">${outcome}</p><p><a href="/cases/${request.caseId}">See the case</a></p>`, who.page));
    } catch (error) {
      if (error instanceof ValidationError || (error instanceof DomainError && !(error instanceof ApprovalLinkGoneError) && statusOf(error) !== 403)) {
        const view = await viewApproval(deps, who.user, token);
        return page(statusOf(error), approvalPage(who.page, view, token, error.message));
      }
      throw error;
    }
  },
});

export const handler = httpHandler(routes, { render: renderApprovalError, refusals: deps });
