import { optionalEnv, requireEnv } from '../config';
import type { DeliveryDeps } from '../domain/notice-delivery';
import { renderNotice } from '../mail/templates';
import type { Mailer } from '../ports/mailer';
import { DynamoOutbox } from './dynamodb/outbox';
import { loadedOnFirstUse } from './lazy';
import { clockFromEnv, documentClient, storeFromEnv } from './runtime';
import { clientConfig } from './time-budget';

/** What delivering a notice needs (the stream's mailer and the sweep's re-drive), wired from the environment. */
export function deliveryDepsFromEnv(): DeliveryDeps {
  const portalUrl = requireEnv('PORTAL_URL');
  const from = { name: requireEnv('MAIL_FROM_NAME'), address: requireEnv('MAIL_FROM'), configurationSet: optionalEnv('MAIL_CONFIGURATION_SET') };
  return {
    outbox: new DynamoOutbox(documentClient, requireEnv('TABLE_NAME')),
    // SES loads with the first notice (the sweep mostly has none to re-drive).
    mailer: loadedOnFirstUse<Mailer>(async () => {
      const [{ SESv2Client }, { fromHeader, SesMailer }] = await Promise.all([import('@aws-sdk/client-sesv2'), import('./ses-mailer')]);
      return new SesMailer(new SESv2Client(clientConfig('ses')), fromHeader(from.name, from.address), from.configurationSet);
    }),
    clock: clockFromEnv(),
    store: storeFromEnv(),
    render: (notice, link) => renderNotice(notice, { portalUrl, link }),
    portalUrl,
  };
}
