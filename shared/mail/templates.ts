import type { Notice } from '../domain/notices';
import type { Email } from '../ports/mailer';
import { html, type SafeHtml } from '../http/html';

export interface MailContext {
  portalUrl: string;
  /** The recipient's own approval link, for notices that carry one. */
  link?: string;
}

const when = (iso: string | undefined) => (iso ? `${iso.replace('T', ' ').slice(0, 19)} UTC` : 'unknown');

const END_REASONS: Record<string, string> = {
  revoked: 'it was revoked',
  expired: 'its time ran out',
  case_solved: 'the support case it was for was solved',
  consent_withdrawn: 'you withdrew consent: remote access for its support case was switched to denied',
  org_suspended: 'the account was suspended or closed',
  plan_changed: "the account's plan or environments no longer allow it",
};

interface Rendered {
  subject: string;
  lines: string[];
  /** The call to action; the portal's dashboard when absent. */
  action?: { label: string; url: (context: MailContext, d: Record<string, string>) => string };
  /** For support agents, who cannot use the customer portal: the CLI command that shows what happened. */
  command?: string;
}

/** What the access is, in every access email: level, scope, environment. */
const what = (d: Record<string, string>) => `${d.level} level, ${d.scope ?? 'the whole account'}, ${d.environment}`;

/** A changed end time, named for which way it moved. */
const endTimeChanged = (d: Record<string, string>, verb: 'extended' | 'shortened', direction: 'later' | 'earlier'): Rendered => ({
  subject: `Support login access ${verb} for ${d.orgName}`,
  lines: [
    `${d.grantedBy}'s grant of support login access to ${d.orgName} (acting as ${d.actAs}: ${what(d)}) was ${verb}.`,
    `It now ends ${direction}, at ${when(d.expiresAt)} instead of ${when(d.previousExpiresAt)}.`,
    'You can revoke this access at any time from the portal.',
  ],
});

/** Agents use the support CLI, not the customer portal. */
const caseCommand = (d: Record<string, string>) => `npm run support -- case ${d.orgId} ${d.caseId}`;

const OUTCOME: Record<string, string> = { approved: 'approved', denied: 'denied' };

/** Each notice's wording, written for a customer who has never seen the product. */
const TEMPLATES: Record<Notice['template'], (d: Record<string, string>) => Rendered> = {
  'grant-created': (d) => ({
    subject: `Support login access granted for ${d.orgName}`,
    lines: [
      `${d.grantedBy} granted the support team login access to ${d.orgName}.`,
      `Support may log in as ${d.actAs} (${what(d)}) until ${when(d.expiresAt)}.`,
      'Support will never ask for a password. You can revoke this access at any time from the portal.',
    ],
  }),
  'grant-extended': (d) => endTimeChanged(d, 'extended', 'later'),
  'grant-shortened': (d) => endTimeChanged(d, 'shortened', 'earlier'),
  'permission-requested': (d) => ({
    subject: `Support asks to access ${d.orgName} for case "${d.caseSubject}"`,
    lines: [
      `${d.agent} from the support team asks for permission to access your account ${d.orgName} to work on the case "${d.caseSubject}".`,
      `Why: ${d.justification}`,
      `If you approve, support may activate access for this case; it lasts while the case is open and is recorded in your audit trail. ${Number(d.requiredApprovals) > 1 ? `Your organization needs ${d.requiredApprovals} approvers.` : ''}`.trim(),
      `This request expires at ${when(d.expiresAt)}. The link works once and asks you to sign in; nothing happens until you choose Approve or Deny.`,
    ],
    action: { label: 'Review the request', url: (c) => c.link ?? `${c.portalUrl}/` },
  }),
  'change-requested': (d) => ({
    subject: `Support asks to change data or configuration in ${d.orgName} (case "${d.caseSubject}")`,
    lines: [
      `${d.agent} from the support team, working on the case "${d.caseSubject}", asks for your written approval before making this change in ${d.orgName}:`,
      `Change: ${d.justification}`,
      `What approving allows: changes through grant ${d.changeGrantId}, acting as ${d.changeActAs}, in ${d.changeEnvironment}, until ${when(d.changeUntil)} — nowhere else in ${d.orgName}.`,
      `Until someone approves, support can only look, never change anything. If you approve, support's sessions for this case may write; your comment is kept as the written approval in your audit trail. ${Number(d.requiredApprovals) > 1 ? `Your organization needs ${d.requiredApprovals} approvers.` : ''}`.trim(),
      `This request expires at ${when(d.expiresAt)}. The link works once and asks you to sign in.`,
    ],
    action: { label: 'Review the change', url: (c) => c.link ?? `${c.portalUrl}/` },
  }),
  'request-decided': (d) => {
    const what = d.kind === 'change' ? 'change request' : 'access request';
    const asked = d.kind === 'change' ? `to make a change in ${d.orgName}` : `to access ${d.orgName}`;
    return {
      subject: `${d.kind === 'change' ? 'Change' : 'Access'} request for case "${d.caseSubject}" was ${OUTCOME[d.outcome ?? ''] ?? d.outcome}`,
      lines: [
        d.audience === 'agent'
          ? `Your ${what} ${asked} for the case "${d.caseSubject}" was ${d.outcome} by ${d.decidedBy}.`
          : `The ${what} from ${d.agent} ${asked} for the case "${d.caseSubject}" was ${d.outcome} by ${d.decidedBy}. There is nothing left for you to decide.`,
        d.comment ? `Comment: ${d.comment}` : '',
        d.outcome === 'approved' && d.audience === 'agent'
          ? d.kind === 'change'
            ? 'Sessions you start for this case from now on carry the write scope.'
            : 'You can now activate access for the case.'
          : '',
      ].filter(Boolean),
      ...(d.audience === 'agent' ? { command: caseCommand(d) } : {}),
    };
  },
  'session-started': (d) => ({
    subject: `Support signed in to ${d.orgName} as ${d.actAs}`,
    lines: [
      `${d.agent} from the support team signed in to ${d.orgName} as ${d.actAs} at ${when(d.startedAt)}${d.caseSubject ? ` for the case "${d.caseSubject}"` : ''}.`,
      `Why: ${d.justification}`,
      `They may ${d.sessionScope === 'read write' ? 'look and make the approved change' : 'look but not change anything'} (${what(d)}); the session ends at ${when(d.sessionExpiresAt)} at the latest. Everything they do is in your audit trail.`,
      d.grantKind === 'case'
        ? 'If you did not expect this, the case contact or an administrator can set remote access for the case to Denied on the case page: the session and the access end at once.'
        : 'If you did not expect this, end the session from your dashboard.',
    ],
    ...(d.grantKind === 'case' && d.caseId ? { action: { label: 'Open the case', url: (c: MailContext) => `${c.portalUrl}/cases/${encodeURIComponent(d.caseId!)}` } } : {}),
  }),
  'request-expired': (d) => ({
    subject: `${d.kind === 'change' ? 'Change' : 'Access'} request for case "${d.caseSubject}" expired`,
    lines: [`Your ${d.kind === 'change' ? 'change' : 'access'} request for the case "${d.caseSubject}" in ${d.orgName} expired at ${when(d.expiresAt)} without a decision. You can ask again.`],
    command: caseCommand(d),
  }),
  'case-access-activated': (d) => ({
    subject: `Support now has access to ${d.orgName} for case "${d.caseSubject}"`,
    lines: [
      `${d.agent} from the support team activated access to ${d.orgName} for the case "${d.caseSubject}".`,
      d.reason ? `Why: ${d.reason}` : '',
      `Support acts as ${d.actAs} (${what(d)}). Access lasts while the case is open, at most until ${when(d.expiresAt)}.`,
    ].filter(Boolean),
  }),
  'personnel-added': (d) => ({
    subject: `Another support agent was added to case "${d.caseSubject}"`,
    lines: [
      `${d.agent} added ${d.added} to the support team with access to ${d.orgName} for the case "${d.caseSubject}".`,
      `Access still ends when the case is solved, at most at ${when(d.expiresAt)}.`,
    ],
  }),
  'org-welcome': (d) => ({
    subject: `Support Access is ready for ${d.orgName}`,
    lines: [
      `You are the administrator of ${d.orgName} in Support Access, where you decide when the support team may log in to your account.`,
      'Sign in with this email address to set your remote-access policy, grant or revoke login access, and read the audit trail of everything support did.',
    ],
    action: { label: 'Open Support Access', url: (c) => `${c.portalUrl}/settings` },
  }),
  'webhook-disabled': (d) => ({
    subject: 'A Support Access webhook was turned off: it kept failing',
    lines: [
      `Every delivery to the webhook ${d.url} failed since ${when(d.failingSince)}, so Support Access turned it off. Events are no longer sent there.`,
      'Fix the receiver, turn the webhook on again on the settings page, and redeliver the events it missed from its delivery log.',
    ],
    action: { label: 'Open the webhook', url: (c) => `${c.portalUrl}/settings/webhooks/${encodeURIComponent(d.endpointId ?? '')}` },
  }),
  'grant-ending-soon': (d) => ({
    subject: `Support login access to ${d.orgName} ends in 24 hours`,
    lines: [
      `The support team's login access to ${d.orgName} (acting as ${d.actAs}: ${what(d)}), granted by ${d.grantedBy}, ends at ${when(d.expiresAt)}.`,
      'If support still needs it, change its end time on the dashboard before then; otherwise there is nothing to do — it ends by itself.',
    ],
  }),
  'grant-ended': (d) => ({
    subject: `Support login access ended for ${d.orgName}`,
    lines: [
      `The support team's login access to ${d.orgName} (acting as ${d.actAs}) has ended because ${END_REASONS[d.reason ?? ''] ?? 'it ended'}.`,
      'Support can no longer log in with it. Any session support had open through it has been ended too.',
    ],
  }),
};

/**
 * Renders a notice into HTML and text; every value is escaped in the HTML part. Customers get a
 * link into the portal; agents, who cannot use it, the support CLI command instead.
 */
export function renderNotice(notice: Notice, context: MailContext): Email {
  const { subject, lines, action, command } = TEMPLATES[notice.template](notice.data);
  const paragraphs: SafeHtml[] = lines.map((line) => html`<p>${line}</p>`);
  const footer = command
    ? `You receive this because you asked for access to ${notice.data.orgName} in Support Access.`
    : `You receive this because you are a user or authorized contact of ${notice.data.orgName}.`;
  let cta: SafeHtml;
  let ctaText: string;
  if (command) {
    cta = html`<p>See it in the support CLI: <code>${command}</code></p>`;
    ctaText = `See it in the support CLI: ${command}`;
  } else {
    const link = action ? action.url(context, notice.data) : `${context.portalUrl}/`;
    const label = action?.label ?? 'Open Support Access';
    cta = html`<p><a href="${link}">${label}</a></p>`;
    ctaText = `${label}: ${link}`;
  }
  const body = html`<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1d2433">
<h2>${subject}</h2>${paragraphs}${cta}
<p style="color:#5b6475;font-size:13px">${footer}</p>
</body></html>`;
  const text = [...lines, '', ctaText, '', footer].join('\n');
  return { to: notice.to, subject, html: body.toString(), text };
}
