/**
 * Longhorn RecurringJob (longhorn.io/v1beta2). No npm package publishes Longhorn's CRDs, so
 * the type and the OpenAPI schema below are written here from the CRD's documented fields;
 * synth validates RecurringJobs against the schema, and the integration tests install it as
 * the CRD. Fields: https://longhorn.io/docs/latest/snapshots-and-backups/scheduling-backups-and-snapshots/
 */
import { Construct } from 'constructs';
import { CustomResource, CustomResourceProps } from './custom-resource';

export interface RecurringJobSpec {
  /** Job name, as referenced by a StorageClass' recurringJobSelector. */
  readonly name: string;
  /** Volume groups this job applies to (a StorageClass selects a group). */
  readonly groups?: string[];
  readonly task: 'snapshot' | 'snapshot-force-create' | 'snapshot-cleanup' | 'snapshot-delete' | 'backup' | 'backup-force-create' | 'filesystem-trim';
  /** Five-field cron schedule. */
  readonly cron: string;
  /** How many snapshots or backups to keep. */
  readonly retain: number;
  /** How many volumes to process at once. */
  readonly concurrency: number;
  readonly labels?: Record<string, string>;
}

/**
 * Where the schema below was checked: the release platform.yaml names by default and the
 * upstream file holding the CRD. Recorded in crds/longhorn/<release>.json by npm run crds.
 */
export const LONGHORN_SCHEMA_SOURCE =
  'written in imports/longhorn.ts from recurringjobs.longhorn.io (v1beta2) in longhorn/longhorn deploy/longhorn.yaml';

export const RECURRING_JOB_OPENAPI_SCHEMA = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'task', 'cron', 'retain', 'concurrency'],
      properties: {
        name: { type: 'string' },
        groups: { type: 'array', items: { type: 'string' } },
        task: {
          type: 'string',
          enum: ['snapshot', 'snapshot-force-create', 'snapshot-cleanup', 'snapshot-delete', 'backup', 'backup-force-create', 'filesystem-trim'],
        },
        cron: { type: 'string' },
        retain: { type: 'integer', minimum: 0, maximum: 250 },
        concurrency: { type: 'integer', minimum: 1 },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
} as const;

export class RecurringJob extends CustomResource<RecurringJobSpec> {
  static readonly GVK = { apiVersion: 'longhorn.io/v1beta2', kind: 'RecurringJob' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<RecurringJobSpec>) {
    super(scope, id, RecurringJob.GVK.apiVersion, RecurringJob.GVK.kind, props);
  }
}
