/**
 * Recognises secrets by their value, wherever a spec holds a string: tokens and keys whose
 * shape is their issuer's (JWTs, AWS/GCP/Azure keys, GitHub/GitLab/Bitbucket/npm/Slack tokens),
 * private key blocks (PEM, PGP), URLs with a password, and `--password=...` arguments.
 *
 * Time is linear in the length of the value, whatever it holds: a value is cut once into runs
 * of token characters and each run is matched by patterns anchored at its start whose
 * repeated parts cannot overlap; multi-character markers ('://', '-----BEGIN ', 'AccountKey=')
 * are found with indexOf and examined in a window of bounded size. No pattern is ever tried at
 * every position of a long value (that is what made the old URL check quadratic).
 *
 * A reason names the kind of secret, never the value: messages built from it are printed and
 * logged.
 */

import { memoizeByString } from './memo';

/** Token shapes, each anchored at both ends of one run of [A-Za-z0-9_.-]. */
const TOKEN_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$/, 'a JSON Web Token'],
  [/^(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}$/, 'an AWS access key id'],
  [/^AIza[A-Za-z0-9_-]{35}$/, 'a Google Cloud API key'],
  [/^GOCSPX-[A-Za-z0-9_-]{20,}$/, 'a Google OAuth client secret'],
  [/^gh[pousr]_[A-Za-z0-9]{36,251}$/, 'a GitHub token'],
  [/^github_pat_[A-Za-z0-9_]{22,244}$/, 'a GitHub token'],
  [/^glpat-[A-Za-z0-9_-]{20,}$/, 'a GitLab token'],
  [/^(?:glptt|gldt|glrt|glsoat)-[A-Za-z0-9_-]{20,}$/, 'a GitLab token'],
  [/^ATBB[A-Za-z0-9]{24,}$/, 'a Bitbucket app password'],
  [/^npm_[A-Za-z0-9]{36}$/, 'an npm token'],
  [/^xox[abposr]-[A-Za-z0-9-]{10,}$/, 'a Slack token'],
  [/^sk_live_[A-Za-z0-9]{16,}$/, 'a Stripe secret key'],
];

/** Longer runs are not tokens (a JWT of this size would not fit an HTTP header); skipping them keeps regex backtracking stacks small. */
const MAX_TOKEN = 16 * 1024;

/** What cuts a value into runs: anything that cannot be part of one of the tokens above. */
const RUN_SEPARATORS = /[^A-Za-z0-9_.-]+/;

/** Markers found with indexOf; each is checked in a window of at most WINDOW characters after it. */
const WINDOW = 120;
const PRIVATE_KEY_HEADER = /^-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const AZURE_KEY = /^(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{20,}/;
const AZURE_SAS_SIGNATURE = /^sig=[A-Za-z0-9%+/=]{20,}/;

/** `--db-password=...`, `-Dpassword=...`: an argument whose name says it carries a secret. */
const SECRET_ARGUMENT_NAME = /(?:password|passwd|secret|token|api-?key|api_key|access-?key|private-?key|credentials?)$/i;

/** A value that only refers to a secret: $(VAR) (Kubernetes), ${VAR} (shells, envsubst), or empty. */
function isReference(value: string): boolean {
  return value === '' || /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value) || /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value);
}

/** Calls fn at each index where `marker` starts, left to right, without overlaps. */
function eachIndex(value: string, marker: string, fn: (at: number) => string | undefined): string | undefined {
  for (let at = value.indexOf(marker); at >= 0; at = value.indexOf(marker, at + marker.length)) {
    const reason = fn(at);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** The authority of each `scheme://authority` holds `user:password@` with a literal password. */
function urlWithPassword(value: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = value.indexOf('://', from);
    if (at < 0) return undefined;
    let end = at + 3;
    // The authority ends at the first '/', '?', '#' or blank; the next search starts there, so
    // every character is looked at once.
    while (end < value.length && !'/?#'.includes(value[end]) && !/\s/.test(value[end])) end++;
    const authority = value.slice(at + 3, end);
    const atSign = authority.lastIndexOf('@');
    if (atSign > 0) {
      const userinfo = authority.slice(0, atSign);
      const colon = userinfo.indexOf(':');
      if (colon >= 0 && !isReference(userinfo.slice(colon + 1))) return 'a URL with a password in it';
    }
    from = end;
  }
}

/** `--password=x` or `-Dsecret=x` in a blank-separated string, a reference excepted. */
function secretArgument(value: string): string | undefined {
  for (const word of value.split(/\s+/)) {
    if (!word.startsWith('-')) continue;
    const eq = word.indexOf('=');
    if (eq < 0) continue;
    if (SECRET_ARGUMENT_NAME.test(word.slice(0, eq)) && !isReference(word.slice(eq + 1).replace(/^["']|["']$/g, ''))) {
      return `an argument ${JSON.stringify(word.slice(0, eq + 1))} with a literal value`;
    }
  }
  return undefined;
}

/** Why a string value looks like a secret, or undefined. Linear in value.length. */
export const secretValueReason = memoizeByString((value: string): string | undefined => {
  const pem = eachIndex(value, '-----BEGIN ', (at) =>
    PRIVATE_KEY_HEADER.test(value.slice(at, at + WINDOW)) ? (value.slice(at, at + WINDOW).includes('PGP') ? 'a PGP private key block' : 'a private key') : undefined,
  );
  if (pem !== undefined) return pem;
  for (const run of value.split(RUN_SEPARATORS)) {
    if (run.length > MAX_TOKEN) continue;
    for (const [shape, what] of TOKEN_SHAPES) if (shape.test(run)) return what;
  }
  const azure =
    eachIndex(value, 'Key=', (at) => {
      const start = Math.max(0, at - 'SharedAccess'.length);
      const window = value.slice(start, at + WINDOW);
      const keyAt = window.search(/(?:AccountKey|SharedAccessKey)=/);
      return keyAt >= 0 && AZURE_KEY.test(window.slice(keyAt)) ? 'an Azure storage or Service Bus key' : undefined;
    }) ?? eachIndex(value, 'sig=', (at) => (/[?&]/.test(value[at - 1] ?? '') && AZURE_SAS_SIGNATURE.test(value.slice(at, at + WINDOW)) ? 'an Azure shared access signature' : undefined));
  if (azure !== undefined) return azure;
  if (value.includes('"service_account"') && value.includes('"private_key')) return 'a Google Cloud service account key';
  return urlWithPassword(value) ?? secretArgument(value);
});

/**
 * Why a list of arguments (a command line) holds a secret: one item does, or a
 * `--password`-style flag is followed by a literal value. Returns the index and the reason.
 */
export function secretInArguments(args: readonly string[]): { readonly index: number; readonly reason: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    const reason = secretValueReason(args[i]);
    if (reason !== undefined) return { index: i, reason };
    const next = args[i + 1];
    if (/^--?[A-Za-z0-9_.-]+$/.test(args[i]) && SECRET_ARGUMENT_NAME.test(args[i]) && next !== undefined && !next.startsWith('-') && !isReference(next)) {
      return { index: i + 1, reason: `the value of ${JSON.stringify(args[i])}, written literally` };
    }
  }
  return undefined;
}
