import type { PlatformLimits } from './domain/model';

/** Reads a required environment variable once, at cold start; a missing one fails loudly. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Environment variable ${name} is required but not set.`);
  }
  return value;
}

export function numberEnv(name: string): number {
  const raw = requireEnv(name);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`Environment variable ${name} must be a number, got "${raw}".`);
  return value;
}

export const optionalEnv = (name: string): string | undefined => process.env[name] || undefined;

/** The platform limits every function shares, from stage config via the environment. */
export function limitsFromEnv(): PlatformLimits {
  return {
    maxGrantHours: numberEnv('PLATFORM_MAX_GRANT_HOURS'),
    minGrantSeconds: numberEnv('MIN_GRANT_SECONDS'),
    sessionMinutes: numberEnv('SESSION_MINUTES'),
    requestExpiryHours: numberEnv('REQUEST_EXPIRY_HOURS'),
  };
}
