/**
 * In-cluster PostgreSQL and Redis: a single-replica StatefulSet each, with a PVC from a
 * volumeClaimTemplate (kept when the StatefulSet goes), a headless Service, probes, non-root
 * identities and read-only root filesystems. Managed services deploy nothing here.
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { POSTGRES, REDIS } from '../src/model/flows';
import { names, selectorLabels, workloadLabels } from '../src/model/names';
import type { Resources } from '../src/spec/app-spec.generated';
import { POSTGRES_PORT, postgresDatabase, REDIS_PORT } from './connections';
import { KEEP, objectMeta, WAVE } from './meta';
import { podTemplate, resources, scratchVolumes } from './pod';
import { Service } from './service';

interface StatefulProps {
  readonly ctx: SystemContext;
  /** Workload name: postgres or redis. */
  readonly workload: string;
  readonly image: string;
  readonly uid: number;
  readonly port: number;
  readonly storage: string;
  readonly dataPath: string;
  readonly resources: Resources;
  readonly env?: k8s.EnvVar[];
  readonly args?: string[];
  /** Shell check used by both probes. */
  readonly check: string;
  readonly writablePaths: string[];
}

class SingleInstanceStatefulSet extends Construct {
  constructor(scope: Construct, id: string, p: StatefulProps) {
    super(scope, id);
    const { ctx } = p;
    const name = names.component(ctx, p.workload);
    const scratch = scratchVolumes(p.writablePaths);
    const check = (initialDelaySeconds: number): k8s.Probe => ({
      exec: { command: ['/bin/sh', '-c', p.check] },
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    });
    new Service(this, 'service', { ctx, name, workload: p.workload, port: p.port, headless: true });
    new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: objectMeta(ctx, name, WAVE.database, { labels: workloadLabels(ctx, p.workload) }),
      spec: {
        serviceName: name,
        // One instance: a second replica would be a second, empty server, not a replica.
        replicas: 1,
        selector: { matchLabels: selectorLabels(ctx, p.workload) },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: podTemplate(ctx, {
          workload: p.workload,
          identity: { runAsUser: p.uid, runAsGroup: p.uid },
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: p.workload,
              image: p.image,
              args: p.args,
              env: p.env,
              ports: [{ name: 'http', containerPort: p.port, protocol: 'TCP' }],
              resources: resources(p.resources),
              livenessProbe: check(30),
              readinessProbe: check(5),
              volumeMounts: [{ name: 'data', mountPath: p.dataPath }, ...scratch.mounts],
            },
          ],
          volumes: scratch.volumes,
        }),
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', annotations: KEEP },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: ctx.platform.storageClassName,
              resources: { requests: { storage: p.storage } },
            },
          },
        ],
      },
    });
  }
}

export interface DatabaseProps {
  readonly ctx: SystemContext;
}

/** The in-cluster PostgreSQL server of a system whose database mode is in-cluster. */
export class PostgresDatabase extends Construct {
  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { ctx } = props;
    const db = ctx.spec.database!;
    const d = DEFAULTS.postgres;
    const dbName = postgresDatabase(ctx);
    new SingleInstanceStatefulSet(this, 'postgres', {
      ctx,
      workload: POSTGRES,
      image: db.image ?? d.image,
      uid: d.uid,
      port: POSTGRES_PORT,
      storage: db.storage ?? d.storage,
      dataPath: '/var/lib/postgresql/data',
      resources: db.resources ?? d.resources,
      env: [
        { name: 'POSTGRES_DB', value: dbName },
        { name: 'POSTGRES_USER', value: dbName },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: names.secret(ctx), key: 'POSTGRES_PASSWORD' } } },
        // A subdirectory: the volume's root holds lost+found, which initdb refuses.
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      ],
      check: `pg_isready -U ${dbName} -d ${dbName} -h 127.0.0.1`,
      writablePaths: ['/tmp', '/var/run/postgresql'],
    });
  }
}

/** The in-cluster Redis of a system whose cache mode is in-cluster, password-protected. */
export class RedisCache extends Construct {
  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { ctx } = props;
    const cache = ctx.spec.cache!;
    const d = DEFAULTS.redis;
    new SingleInstanceStatefulSet(this, 'redis', {
      ctx,
      workload: REDIS,
      image: cache.image ?? d.image,
      uid: d.uid,
      port: REDIS_PORT,
      storage: cache.storage ?? d.storage,
      dataPath: '/data',
      resources: cache.resources ?? d.resources,
      env: [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: names.secret(ctx), key: 'REDIS_PASSWORD' } } }],
      args: ['--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes', '--dir', '/data'],
      check: 'redis-cli --no-auth-warning -a "$REDIS_PASSWORD" ping | grep -q PONG',
      writablePaths: ['/tmp'],
    });
  }
}
