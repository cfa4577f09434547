/**
 * Recognises secret values that someone put into plain configuration, so synth refuses them
 * before they reach git. Names are split on '_' and read word by word: SECRET_KEY and
 * SMTP_PASSWORD are secrets, ACCESS_TOKEN_EXPIRE_MINUTES and VITE_STRIPE_PUBLISHABLE_KEY are not.
 */
import { secretValueReason } from './secret-values';

const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PWD', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIALS', 'CREDENTIAL', 'DSN', 'PRIVATE']);
// KEY is a secret only after one of these words (API_KEY, PRIVATE_KEY), not SITE_KEY.
const KEY_QUALIFIERS = new Set(['API', 'PRIVATE', 'SECRET', 'ACCESS', 'ENCRYPTION', 'SIGNING', 'MASTER', 'AUTH', 'CLIENT']);
// A trailing word that makes the setting about a secret rather than the secret itself.
const SETTING_SUFFIXES = new Set([
  'MINUTES', 'HOURS', 'DAYS', 'SECONDS', 'TTL', 'TIMEOUT', 'LENGTH', 'ALGORITHM', 'ROUNDS', 'ENABLED', 'NAME',
  'HEADER', 'FILE', 'PATH', 'EXPIRY', 'EXPIRATION', 'POLICY', 'PROTECTION',
]);

/** Why a config entry looks like a secret, or undefined. */
export function secretLikeReason(key: string, value: unknown): string | undefined {
  const words = key.toUpperCase().split('_').filter((w) => w !== '');
  const last = words[words.length - 1];
  if (!SETTING_SUFFIXES.has(last)) {
    if (words.some((w) => SECRET_WORDS.has(w))) return `its name ${JSON.stringify(key)} says it holds a secret`;
    for (let i = 1; i < words.length; i++) {
      if (words[i] === 'KEY' && KEY_QUALIFIERS.has(words[i - 1])) return `its name ${JSON.stringify(key)} says it holds a key`;
    }
  }
  if (typeof value !== 'string') return undefined;
  const what = secretValueReason(value);
  return what === undefined ? undefined : `its value holds ${what}`;
}
