/** A rendered email. */
export interface Email {
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export interface Mailer {
  /** Sends; throws `PermanentSendError` when the service refuses it for good, anything else is transient. */
  send(email: Email): Promise<void>;
}

/** The mail service refused this email for good (a rejected or invalid address): retrying cannot help. */
export class PermanentSendError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PermanentSendError';
  }
}
