import type { Notice } from '../domain/notices';
import type { Email } from '../ports/mailer';
import { html, type SafeHtml } from '../http/html';

export interface MailContext {
  portalUrl: string;
}

const when = (iso: string | undefined) => (iso ? `${iso.replace('T', ' ').slice(0, 19)} UTC` : 'unknown');

const END_REASONS: Record<string, string> = {
  revoked: 'it was revoked',
  expired: 'its time ran out',
  case_solved: 'the support case it was for was solved',
};

interface Rendered {
  subject: string;
  lines: string[];
}

/** Each notice's wording, written for a customer who has never seen the product. */
const TEMPLATES: Record<Notice['template'], (d: Record<string, string>) => Rendered> = {
  'grant-created': (d) => ({
    subject: `Support login access granted for ${d.orgName}`,
    lines: [
      `${d.grantedBy} granted the support team login access to ${d.orgName}.`,
      `Support may log in as ${d.actAs} with ${d.level} level in ${d.environment} until ${when(d.expiresAt)}.`,
      'Support will never ask for a password. You can revoke this access at any time from the portal.',
    ],
  }),
  'grant-extended': (d) => ({
    subject: `Support login access extended for ${d.orgName}`,
    lines: [
      `${d.grantedBy}'s grant of support login access to ${d.orgName} (acting as ${d.actAs}) was extended.`,
      `It now ends at ${when(d.expiresAt)} instead of ${when(d.previousExpiresAt)}.`,
      'You can revoke this access at any time from the portal.',
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

/** Renders a notice into HTML and text; every value is escaped in the HTML part. */
export function renderNotice(notice: Notice, context: MailContext): Email {
  const { subject, lines } = TEMPLATES[notice.template](notice.data);
  const link = `${context.portalUrl}/`;
  const paragraphs: SafeHtml[] = lines.map((line) => html`<p>${line}</p>`);
  const body = html`<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1d2433">
<h2>${subject}</h2>${paragraphs}<p><a href="${link}">Open Support Access</a></p>
<p style="color:#5b6475;font-size:13px">You receive this because you are a user or authorized contact of ${notice.data.orgName}.</p>
</body></html>`;
  const text = [...lines, '', `Open Support Access: ${link}`].join('\n');
  return { to: notice.to, subject, html: body.toString(), text };
}
