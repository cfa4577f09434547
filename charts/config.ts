/**
 * Non-secret settings as a ConfigMap that components read with envFrom or per key, and the
 * spec's configFiles as a second ConfigMap that components mount read-only.
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import { objectMeta, WAVE } from './meta';

export interface ConfigProps {
  readonly ctx: SystemContext;
}

export class Config extends Construct {
  constructor(scope: Construct, id: string, props: ConfigProps) {
    super(scope, id);
    const { ctx } = props;
    if (ctx.spec.config !== undefined) {
      new k8s.KubeConfigMap(this, 'config', {
        metadata: objectMeta(ctx, names.config(ctx), WAVE.config),
        data: sortedStrings(ctx.spec.config),
      });
    }
    if (ctx.spec.configFiles !== undefined) {
      new k8s.KubeConfigMap(this, 'files', {
        metadata: objectMeta(ctx, names.configFiles(ctx), WAVE.config),
        data: sortedStrings(ctx.spec.configFiles),
      });
    }
  }
}

/** A map with its keys sorted and every value a string, as ConfigMap data must be. */
export function sortedStrings(map: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, String(v)]),
  );
}
