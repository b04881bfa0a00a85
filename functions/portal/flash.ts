import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** What the page says after a form did its work (`?done=`). */
const FLASH: Record<string, string> = {
  granted: 'Login access granted. Support can now log in as you until it ends.',
  revoked: 'Login access revoked. Support can no longer use it.',
  extended: 'Login access now ends later.',
  shortened: 'Login access now ends earlier.',
  opened: 'Case opened.',
  changed: 'Remote access for this case changed.',
  solved: 'Case marked solved. Support access for it has ended.',
  'session-ended': 'Session ended. Support is logged out and its token no longer works.',
};

export const flashOf = (event: APIGatewayProxyEventV2): string | undefined => FLASH[event.queryStringParameters?.done ?? ''];
