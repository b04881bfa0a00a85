/** Backslashes (browsers read `/\host` as `//host`) and control characters (`/\t/host`). */
const UNSAFE = /[\\\u0000-\u001f\u007f]/;

/**
 * Where to send a person back after sign-in: a path on the portal itself, or `/`. The value must
 * start with one `/`, carry no backslash or control character, and resolve against the portal's
 * origin to that same origin; what is returned is the resolved path, query and fragment.
 */
export function safeReturnTo(value: string | undefined, origin: string): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || UNSAFE.test(value)) return '/';
  try {
    const url = new URL(value, origin);
    return url.origin === new URL(origin).origin ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}
