import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ValidationError } from '../domain/errors';

/** The raw body as text (API Gateway base64-encodes binary and some form bodies). */
export function bodyText(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

const contentType = (event: APIGatewayProxyEventV2) =>
  (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

/** A JSON object body; anything else is a 400 naming the problem. An empty body is `{}`. */
export function jsonBody(event: APIGatewayProxyEventV2): Record<string, unknown> {
  const text = bodyText(event);
  if (text.trim() === '') return {};
  if (contentType(event) !== 'application/json') {
    throw new ValidationError('content-type', 'Send the body as application/json.', 'unsupported_content_type');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('body', 'The body is not valid JSON.', 'malformed_json');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ValidationError('body', 'The body must be a JSON object.', 'malformed_json');
  }
  return parsed as Record<string, unknown>;
}

/** An HTML form body (application/x-www-form-urlencoded); repeated fields (checkboxes) join with ",". */
export function formBody(event: APIGatewayProxyEventV2): Record<string, string> {
  if (contentType(event) !== 'application/x-www-form-urlencoded') {
    throw new ValidationError('content-type', 'Forms must be posted as application/x-www-form-urlencoded.', 'unsupported_content_type');
  }
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(bodyText(event))) form[key] = key in form ? `${form[key]},${value}` : value;
  return form;
}

/** Cookies from payload 2.0's `cookies` array (falling back to the header). */
export function cookies(event: APIGatewayProxyEventV2): Record<string, string> {
  const pairs = event.cookies ?? (event.headers.cookie ? event.headers.cookie.split(';') : []);
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) continue;
    // A malformed percent-encoding makes that cookie unreadable: it is ignored, never a 500.
    try {
      out[pair.slice(0, i).trim()] = decodeURIComponent(pair.slice(i + 1).trim());
    } catch {
      /* ignored */
    }
  }
  return out;
}

/** A path parameter: present and at most 200 characters (ids and tokens are far shorter; keys have limits). */
export function pathParam(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new ValidationError(name, `Missing path parameter ${name}.`);
  if (value.length > 200) throw new ValidationError(name, `The path parameter ${name} is too long.`);
  return value;
}
