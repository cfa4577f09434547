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

/**
 * Longhorn BackupTarget (longhorn.io/v1beta2, Longhorn >= 1.8): where volume backups go. The
 * one named `default` in longhorn-system is the target every RecurringJob backup uses. For S3
 * the URL is `s3://<bucket>@<region>/<path>` and the credential Secret (same namespace) holds
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for a store other than AWS, AWS_ENDPOINTS.
 * @see https://longhorn.io/docs/latest/snapshots-and-backups/backup-and-restore/set-backup-target/
 */
export interface BackupTargetSpec {
  readonly backupTargetURL: string;
  /** Name of the Secret with the store's credentials, in longhorn-system. */
  readonly credentialSecret: string;
  /** How often Longhorn lists the target for backups made elsewhere, as a Go duration. */
  readonly pollInterval: string;
}

export const BACKUP_TARGET_OPENAPI_SCHEMA = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        backupTargetURL: { type: 'string' },
        credentialSecret: { type: 'string' },
        pollInterval: { type: 'string' },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
} as const;

export class BackupTarget extends CustomResource<BackupTargetSpec> {
  static readonly GVK = { apiVersion: 'longhorn.io/v1beta2', kind: 'BackupTarget' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<BackupTargetSpec>) {
    super(scope, id, BackupTarget.GVK.apiVersion, BackupTarget.GVK.kind, props);
  }
}
