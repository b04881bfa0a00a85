import { layout } from './fixtures';

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
