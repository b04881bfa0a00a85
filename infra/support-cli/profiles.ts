/**
 * Where the support CLI keeps each stage's stack (API, staff issuer, client) and the agent's
 * tokens: one file per stage under the config directory (`SA_CONFIG_DIR`, default
 * `~/.config/support-access`), readable by the agent alone (0600 in a 0700 directory).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { STAGES, supportCliCallback, type StageConfig } from '../config/stage-config';
import { localLayout, STAFF_CLIENT_ID } from '../local/layout';
import type { ClientSettings, Tokens } from './oidc-client';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface Profile {
  stage: string;
  api: string;
  issuer: string;
  clientId: string;
  tokens?: Tokens;
}

/** The stacks `npm start` runs on this machine; any other stage is configured by its first login. */
const LOCAL_STAGES = ['dev', 'test'];

export const configDir = (env: NodeJS.ProcessEnv = process.env): string => env.SA_CONFIG_DIR ?? join(homedir(), '.config', 'support-access');

const fileOf = (stage: string, env: NodeJS.ProcessEnv) => {
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(stage)) throw new CliError(`--stage must be a stage name (lower-case letters, digits, dashes), got "${stage}".`, 2);
  return join(configDir(env), `${stage}.json`);
};

/** The stage's settings from stage config: its scope, email claim and loopback port (defaults for a stage this checkout does not know). */
export const stageSettings = (stage: string): Pick<StageConfig, 'staffScope' | 'staffEmailClaim' | 'cliCallbackPort'> => STAGES[stage] ?? STAGES.dev!;

export function clientOf(profile: Profile): ClientSettings {
  const settings = stageSettings(profile.stage);
  return { issuer: profile.issuer, clientId: profile.clientId, redirectUri: supportCliCallback(settings), scope: settings.staffScope };
}

export const isLocal = (profile: Profile, env: NodeJS.ProcessEnv = process.env): boolean =>
  LOCAL_STAGES.includes(profile.stage) && profile.issuer === localLayout({ ...env, SA_STAGE: profile.stage }).urls.staffIssuer;

/**
 * The stage's profile: what was saved at login, with `--api`/`--issuer`/`--client-id` on top; a
 * local stage needs none of them (the local stack's own URLs).
 */
export function resolveProfile(stage: string, flags: { api?: string; issuer?: string; clientId?: string }, env: NodeJS.ProcessEnv = process.env): Profile {
  const path = fileOf(stage, env);
  const saved = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Profile) : undefined;
  const local = LOCAL_STAGES.includes(stage) ? localLayout({ ...env, SA_STAGE: stage }) : undefined;
  const base = saved ?? (local && { stage, api: local.urls.portal, issuer: local.urls.staffIssuer, clientId: STAFF_CLIENT_ID });
  const profile = { ...base, stage, ...defined({ api: flags.api, issuer: flags.issuer, clientId: flags.clientId }) } as Partial<Profile>;
  if (!profile.api || !profile.issuer || !profile.clientId) {
    throw new CliError(
      `Stage ${stage} is not set up on this machine. Sign in once with its stack's values (the SupportCliLogin output of the deploy):\n  npm run support -- login --stage ${stage} --api <url> --issuer <staff issuer url> --client-id <staff client id>`,
      2,
    );
  }
  for (const field of ['api', 'issuer'] as const) {
    if (!/^https?:\/\/[^\s]+$/.test(profile[field]!)) throw new CliError(`--${field} must be an http(s) URL, got "${profile[field]}".`, 2);
  }
  return { ...profile, api: profile.api.replace(/\/$/, ''), issuer: profile.issuer.replace(/\/$/, '') } as Profile;
}

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export function saveProfile(profile: Profile, env: NodeJS.ProcessEnv = process.env): void {
  const path = fileOf(profile.stage, env);
  mkdirSync(configDir(env), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode on write
}

export function forgetTokens(profile: Profile, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!profile.tokens) return false;
  const { tokens: _gone, ...rest } = profile;
  if (LOCAL_STAGES.includes(profile.stage) && isLocal(profile, env)) rmSync(fileOf(profile.stage, env), { force: true });
  else saveProfile(rest, env);
  return true;
}
