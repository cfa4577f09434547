/**
 * Longhorn RecurringJob (longhorn.io/v1beta2). Longhorn publishes no Go module and no npm
 * package, so the type and the OpenAPI schema below are written here from the upstream CRD
 * (see LONGHORN_SCHEMA_SOURCE); synth validates RecurringJobs against the schema (through
 * crds/longhorn/<release>.json), and the integration tests install it as the CRD.
 * Fields: https://longhorn.io/docs/latest/snapshots-and-backups/scheduling-backups-and-snapshots/
 */
import { Construct } from 'constructs';
import { CustomResource, CustomResourceProps } from './custom-resource';

export interface RecurringJobSpec {
  /** Job name, as referenced by a StorageClass' recurringJobSelector. */
  readonly name: string;
  /** Volume groups this job applies to (a StorageClass selects a group). */
  readonly groups?: string[];
  readonly task: 'snapshot' | 'snapshot-force-create' | 'snapshot-cleanup' | 'snapshot-delete' | 'backup' | 'backup-force-create' | 'filesystem-trim' | 'system-backup';
  /** Five-field cron schedule. */
  readonly cron: string;
  /** How many snapshots or backups to keep. */
  readonly retain: number;
  /** How many volumes to process at once. */
  readonly concurrency: number;
  readonly labels?: Record<string, string>;
  /** Whether `retain` (count-base, the default) or `retainAge` (age-base) decides what is cleaned up. */
  readonly retentionPolicy?: 'count-base' | 'age-base';
  /** Go duration such as 24h (age-base only). */
  readonly retainAge?: string;
  /** Task parameters: full-backup-interval, volume-backup-policy. */
  readonly parameters?: Record<string, string>;
}

/**
 * Where the schema below was checked: the release platform.yaml names by default and the
 * upstream file holding the CRD. Recorded in crds/longhorn/<release>.json by npm run crds.
 */
export const LONGHORN_SCHEMA_SOURCE =
  'written in imports/longhorn.ts from the RecurringJobSpec Go type the CRD is generated from: ' +
  'longhorn/longhorn-manager k8s/pkg/apis/longhorn/v1beta2/recurringjob.go at be43d2e50f3d (the newest the reference store holds; ' +
  'platform.yaml names v1.12.1), and recurringjobs.longhorn.io in longhorn/longhorn deploy/longhorn.yaml';

export const RECURRING_JOB_OPENAPI_SCHEMA = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      // Upstream marks every field optional and sets no bounds (the controller's webhook checks
      // them); the CRD checks types, the task and retention-policy enums, and unknown fields.
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        groups: { type: 'array', items: { type: 'string' } },
        task: {
          type: 'string',
          enum: ['snapshot', 'snapshot-force-create', 'snapshot-cleanup', 'snapshot-delete', 'backup', 'backup-force-create', 'filesystem-trim', 'system-backup'],
        },
        cron: { type: 'string' },
        retain: { type: 'integer' },
        retainAge: { type: 'string' },
        retentionPolicy: { type: 'string', enum: ['count-base', 'age-base'], default: 'count-base' },
        concurrency: { type: 'integer' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        parameters: { type: 'object', additionalProperties: { type: 'string' } },
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
