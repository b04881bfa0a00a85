/** A rendered email. */
export interface Email {
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export interface Mailer {
  send(email: Email): Promise<void>;
}
