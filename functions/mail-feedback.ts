import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { requireEnv } from '../shared/config';
import { suppressedBy } from '../shared/domain/mail-feedback';
import { suppressedKey } from '../shared/adapters/dynamodb/keys/suppressed';
import { clockFromEnv, documentClient, log } from '../shared/adapters/runtime';

const tableName = requireEnv('TABLE_NAME');
const clock = clockFromEnv();

/**
 * SES's bounce and complaint notifications (configuration set → SNS): each permanently bouncing
 * or complaining address is recorded as suppressed, so later notices skip it (audited by the
 * mailer as `notice.suppressed`) instead of hurting the sender's reputation.
 */
export async function handler(event: SNSEvent): Promise<{ suppressed: number }> {
  let suppressed = 0;
  for (const record of event.Records ?? []) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch {
      log.error('mail feedback: not JSON', { messageId: record.Sns.MessageId });
      continue;
    }
    for (const address of suppressedBy(message, clock.now())) {
      await documentClient.send(new PutCommand({ TableName: tableName, Item: { ...suppressedKey(address.email), type: 'suppressed', ...address } }));
      suppressed++;
    }
  }
  if (suppressed) log.info('mail feedback', { suppressed });
  return { suppressed };
}
