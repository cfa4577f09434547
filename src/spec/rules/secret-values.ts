/**
 * Secrets by value anywhere in a spec, besides config, env and configFiles (their own rules
 * also read the key's name): args, commands, probe commands, migrations, descriptions,
 * alert text, store and remote-key names. Lists of strings are read as command lines, so
 * `["--password", "hunter2"]` is found as well as `--password=hunter2`.
 */
import type { AppSpec } from '../app-spec.generated';
import { joinPath } from '../errors';
import { isPlainObject } from '../merge';
import { secretInArguments, secretValueReason } from '../secret-values';

type Add = (path: string, problem: string) => void;

/** Subtrees read by the name-and-value rules in rules.ts, or holding ciphertext on purpose. */
const SKIPPED = new Set(['config', 'configFiles', 'secrets.encryptedData']);

function isEnvMap(path: string): boolean {
  return /^components\.[^.]+\.env$/.test(path);
}

const FIX = 'secret values never belong in a spec: list the name in secrets.keys and read it from the environment ($(VAR) in args)';

export function checkSecretValues(spec: AppSpec, add: Add): void {
  const walk = (value: unknown, path: string): void => {
    if (SKIPPED.has(path) || isEnvMap(path) || path.startsWith('environments')) return;
    if (typeof value === 'string') {
      const reason = secretValueReason(value);
      if (reason !== undefined) add(path, `holds a secret (${reason}); ${FIX}`);
    } else if (Array.isArray(value)) {
      if (value.every((v) => typeof v === 'string')) {
        const found = secretInArguments(value as string[]);
        if (found !== undefined) add(joinPath(path, found.index), `holds a secret (${found.reason}); ${FIX}`);
        return;
      }
      value.forEach((v, i) => walk(v, joinPath(path, i)));
    } else if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, joinPath(path, k));
    }
  };
  walk(spec, '');
}
