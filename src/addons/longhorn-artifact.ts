/**
 * Longhorn's artifact, made from the schema written in imports/longhorn.ts: Longhorn publishes
 * no Go module and no npm package, so no script can fetch its CRDs pinned by version.
 */
import { LONGHORN_SCHEMA_SOURCE, RECURRING_JOB_OPENAPI_SCHEMA } from '../../imports/longhorn';
import type { CrdArtifact } from './artifact';

export function longhornArtifact(release: string): CrdArtifact {
  return {
    addon: 'longhorn',
    release,
    source: LONGHORN_SCHEMA_SOURCE,
    kinds: [
      {
        group: 'longhorn.io',
        kind: 'RecurringJob',
        plural: 'recurringjobs',
        scope: 'Namespaced',
        file: 'imports/longhorn.ts',
        versions: [{ name: 'v1beta2', served: true, storage: true, schema: JSON.parse(JSON.stringify(RECURRING_JOB_OPENAPI_SCHEMA)) }],
      },
    ],
  };
}
