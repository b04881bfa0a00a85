/**
 * What SES reports about a sent email through its configuration set (bounce or complaint
 * notifications via SNS): which addresses must not be mailed again. Pure: the handler stores them.
 */
export interface SuppressedAddress {
  email: string;
  reason: 'bounce' | 'complaint';
  /** SES's own words: the bounce type (Permanent/Transient) and subtype, or the complaint type. */
  detail: string;
  at: string;
}

type SesEvent = {
  eventType?: string;
  notificationType?: string;
  bounce?: { bounceType?: string; bounceSubType?: string; bouncedRecipients?: { emailAddress?: string }[]; timestamp?: string };
  complaint?: { complaintFeedbackType?: string; complainedRecipients?: { emailAddress?: string }[]; timestamp?: string };
};

/**
 * The addresses an SES event notification makes undeliverable: every recipient of a permanent
 * bounce, every complainant. Transient bounces (a full mailbox) are not suppressed.
 */
export function suppressedBy(message: unknown, now: Date): SuppressedAddress[] {
  const event = (typeof message === 'object' && message ? message : {}) as SesEvent;
  const type = event.eventType ?? event.notificationType;
  if (type === 'Bounce' && event.bounce?.bounceType === 'Permanent') {
    return (event.bounce.bouncedRecipients ?? []).flatMap((r) =>
      r.emailAddress ? [{ email: r.emailAddress.toLowerCase(), reason: 'bounce' as const, detail: `Permanent/${event.bounce!.bounceSubType ?? 'General'}`, at: event.bounce!.timestamp ?? now.toISOString() }] : [],
    );
  }
  if (type === 'Complaint') {
    return (event.complaint?.complainedRecipients ?? []).flatMap((r) =>
      r.emailAddress ? [{ email: r.emailAddress.toLowerCase(), reason: 'complaint' as const, detail: event.complaint!.complaintFeedbackType ?? 'complaint', at: event.complaint!.timestamp ?? now.toISOString() }] : [],
    );
  }
  return [];
}
