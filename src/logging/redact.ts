import type { Config } from '../config';

/** What replaces a secret wherever one would have been shown. */
export const REDACTED = '[redacted]';

/**
 * A URL with its password (and a token-looking user name) replaced, safe to log and print:
 * `postgres://ice:s3cret@db:5432/ice` -> `postgres://ice:[redacted]@db:5432/ice`.
 * Not a URL: returned as it is.
 */
export function redactUrl(value: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/i.exec(value);
  if (!m) return value;
  const [user, password] = m[2].split(/:(.*)/s);
  const safe = password !== undefined ? `${user}:${REDACTED}` : REDACTED; // redis://token@host: the user part is the secret
  return `${m[1]}${safe}@${value.slice(m[0].length)}`;
}

/** The password (raw and percent-decoded) of a URL, or nothing. */
function urlSecrets(value: string | undefined): string[] {
  if (!value) return [];
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]*)@/i.exec(value);
  if (!m) return [];
  const [user, password] = m[1].split(/:(.*)/s);
  const secret = password ?? user;
  if (!secret) return [];
  let decoded = secret;
  try {
    decoded = decodeURIComponent(secret);
  } catch {
    // not percent-encoded: the raw value is the secret
  }
  return [...new Set([secret, decoded])];
}

/**
 * Every secret value in the configuration: each setting named `*_TOKEN` or `*_SECRET` (the
 * platforms' tokens and signing secret, a new platform's too) and the passwords in STORE_URL
 * and REDIS_URL. The logger scrubs them from every line it writes, and the doctor from
 * everything it prints, whatever object or message carried them.
 */
export function secretValuesOf(config: Partial<Config>): string[] {
  const settings = Object.entries(config)
    .filter(([key]) => /_(TOKEN|SECRET)$/.test(key))
    .map(([, value]) => value);
  const values = [...settings, ...urlSecrets(config.STORE_URL), ...urlSecrets(config.REDIS_URL)];
  // Very short values would scrub ordinary words; no real token or password is that short.
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 4))];
}

/** Replaces each secret in `text` with [redacted]. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}
