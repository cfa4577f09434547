/**
 * Config changes roll pods: a pod template carries the SHA-256 of the ConfigMap data it reads
 * (only the keys it reads), one annotation per ConfigMap. A changed value changes the template,
 * so the Deployment rolls; a change to a key the pod does not read leaves it alone. Secret
 * values are not in git, so they cannot be hashed here.
 * @see https://helm.sh/docs/howto/charts_tips_and_tricks/#automatically-roll-deployments
 */
import { createHash } from 'node:crypto';
import type { SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import type { Component } from '../src/spec/app-spec.generated';
import { sortedStrings } from './config';

/** Annotation prefix of the hashes; the name part is the ConfigMap's name. */
export const CONFIG_HASH_PREFIX = 'checksum';

function sha256(data: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex');
}

/** `checksum/<configmap>` annotations of a component's pod template, empty when it reads no config. */
export function configHashAnnotations(ctx: SystemContext, c: Component): Record<string, string> {
  const out: Record<string, string> = {};
  const config = ctx.spec.config;
  const selection = c.config ?? 'all';
  if (config !== undefined && selection !== 'none') {
    const all = sortedStrings(config);
    const read = selection === 'all' ? all : Object.fromEntries(Object.entries(all).filter(([k]) => selection.includes(k)));
    if (Object.keys(read).length > 0) out[`${CONFIG_HASH_PREFIX}/${names.config(ctx)}`] = sha256(read);
  }
  if (c.configFilesPath !== undefined && ctx.spec.configFiles !== undefined) {
    out[`${CONFIG_HASH_PREFIX}/${names.configFiles(ctx)}`] = sha256(sortedStrings(ctx.spec.configFiles));
  }
  return out;
}
