import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { PermanentSendError, type Email, type Mailer } from '../ports/mailer';

/**
 * SES refusals that retrying cannot fix: the message or an address rejected (in the sandbox, an
 * unverified recipient), or an invalid request. Everything else — throttling, an account-wide
 * pause, a missing configuration set, the network — is transient: the notice stays to be retried.
 */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException']);

/**
 * The From header: the vendor's display name and the verified address. A name outside ASCII is
 * encoded (RFC 2047), as SES requires; quotes keep commas and dots in a name from splitting it.
 */
export function fromHeader(name: string, address: string): string {
  const display = /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  return `${display} <${address}>`;
}

/** SES v2 adapter; locally the same client talks to the SES emulator (through the local SES gate). */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async send(email: Email): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
        FromEmailAddress: this.from,
        Destination: { ToAddresses: email.to },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
          },
        },
      }),
    ).catch((error: unknown) => {
      const name = (error as { name?: string }).name ?? '';
      if (PERMANENT.has(name)) throw new PermanentSendError(`${name}: ${(error as Error).message}`);
      throw error;
    });
  }
}
