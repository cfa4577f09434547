/**
 * Custom constructs: TypeScript cdk8s constructs a system adds to its chart by name
 * (`custom: [{ construct: robots-txt }]`), registered in constructs/index.ts. The registry is
 * required by a literal path, so npm run synth's esbuild bundle includes every construct (and
 * its cache notices when one changes) and worker threads find them by name; it is loaded only
 * when a spec names one, so cdk8s-plus-27 costs nothing to systems that use none. What a construct emits
 * goes through schema validation and the policy gate like every other object, and each of its
 * objects is recorded with the spec field that asked for it.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { SystemContext } from '../model/context';
import type { Problem } from '../spec/errors';
import { CustomConstructError, CustomConstructRegistry } from './custom-api';
import { objectKey } from './hatches';

/**
 * Adds the system's custom constructs to `chart`, each in a scope of its own. Returns the
 * `Kind/name` of every object each one made, mapped to its spec field, and the problems.
 */
export function addCustomConstructs(
  chart: Construct,
  ctx: SystemContext,
  at: string,
  registry?: CustomConstructRegistry,
): { origins: Map<string, string>; problems: Problem[] } {
  const origins = new Map<string, string>();
  const problems: Problem[] = [];
  const entries = ctx.spec.custom ?? [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const constructs = entries.length === 0 ? {} : (registry ?? (require('../../constructs') as typeof import('../../constructs')).CUSTOM_CONSTRUCTS);
  entries.forEach((entry, i) => {
    const field = `${at}[${i}]`;
    const make = Object.prototype.hasOwnProperty.call(constructs, entry.construct) ? constructs[entry.construct] : undefined;
    if (make === undefined) {
      const known = Object.keys(constructs).sort();
      problems.push({ path: `${field}.construct`, problem: `is ${JSON.stringify(entry.construct)}, which constructs/index.ts does not register; registered: ${known.join(', ') || '(none)'}` });
      return;
    }
    const scope = new Construct(chart, `custom-${i}-${entry.construct}`);
    try {
      make(scope, { ctx, options: (entry.options ?? {}) as Record<string, unknown> });
    } catch (e) {
      if (!(e instanceof CustomConstructError)) throw e;
      problems.push({ path: `${field}.options`, problem: e.message });
      return;
    }
    for (const c of scope.node.findAll()) {
      if (c instanceof ApiObject) origins.set(objectKey({ kind: c.kind, metadata: { name: c.name } }), field);
    }
  });
  return { origins, problems };
}
