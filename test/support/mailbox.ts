import { eventually, layout } from './fixtures';

export interface MailboxEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

/** Every email the SES emulator has received, as its store reports them. */
export async function mailbox(): Promise<MailboxEmail[]> {
  const res = await fetch(`${layout.urls.mailbox}/store`);
  return ((await res.json()) as { emails: MailboxEmail[] }).emails;
}

export async function emailsTo(address: string): Promise<MailboxEmail[]> {
  return (await mailbox()).filter((e) => e.destination.to.includes(address));
}

/** The approval link (path) in the newest permission-request email to `address` about `caseSubject`. */
export async function approvalLinkFor(address: string, caseSubject: string): Promise<string> {
  const mail = await eventually(`the permission-request email to ${address}`, async () =>
    (await emailsTo(address)).filter((e) => e.subject.startsWith('Support asks') && e.subject.includes(caseSubject)).at(-1),
  );
  const link = /https?:\/\/[^\s"<]+(\/approvals\/[A-Za-z0-9_-]+)/.exec(mail.body.text ?? '')?.[1];
  if (!link) throw new Error(`No approval link in the email to ${address}: ${mail.body.text}`);
  return link;
}
