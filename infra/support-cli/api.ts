/** The support API as the CLI calls it: a fresh access token, JSON in and out, problems as errors. */
import { discover, refresh } from './oidc-client';
import { clientOf, CliError, saveProfile, type Profile } from './profiles';

/** Refreshes a minute before expiry, so a command never starts with a token about to lapse. */
const REFRESH_MARGIN_SECONDS = 60;

const notSignedIn = (profile: Profile) => new CliError(`Not signed in to stage ${profile.stage}: run npm run support -- login --stage ${profile.stage}`, 3);

export async function accessTokenOf(profile: Profile, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const tokens = profile.tokens;
  if (!tokens) throw notSignedIn(profile);
  if (tokens.expiresAt - Date.now() / 1000 > REFRESH_MARGIN_SECONDS) return tokens.accessToken;
  if (!tokens.refreshToken) throw notSignedIn(profile);
  try {
    profile.tokens = await refresh(await discover(profile.issuer), clientOf(profile), tokens.refreshToken);
  } catch (error) {
    throw new CliError(`Your sign-in to stage ${profile.stage} has ended (${error instanceof Error ? error.message : String(error)}); run npm run support -- login --stage ${profile.stage}`, 3);
  }
  saveProfile(profile, env);
  return profile.tokens.accessToken;
}

interface Problem {
  title?: string;
  detail?: string;
  field?: string;
  message?: string;
}

/** Calls the support API; a refusal becomes a CliError carrying the API's problem `detail`. */
export async function apiCall<T = Record<string, unknown>>(profile: Profile, method: string, path: string, body?: unknown, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const token = await accessTokenOf(profile, env);
  const res = await fetch(`${profile.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((error: unknown) => {
    throw new CliError(`Cannot reach the support API at ${profile.api} (${error instanceof Error ? error.message : String(error)}).`);
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { detail: text.slice(0, 200) };
  }
  if (res.ok) return parsed as T;
  const problem = parsed as Problem;
  if (res.status === 401) throw new CliError(`The support API did not accept your sign-in (401); run npm run support -- login --stage ${profile.stage}`, 3);
  if (res.status === 403 && problem.message === 'Forbidden') throw new CliError('The support API refused your token (403): it lacks the agent scope. Sign in again with npm run support -- login.', 3);
  const detail = problem.detail ?? problem.message ?? res.statusText;
  throw new CliError(`${res.status} ${problem.title ?? ''}${problem.field ? ` (${problem.field})` : ''}: ${detail}`.replace(/ +:/, ':'));
}
