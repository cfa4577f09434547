/**
 * How a workload reaches the system's database and cache: environment variables that point
 * at the in-cluster StatefulSet (password from the secret, URL composed by Kubernetes'
 * $(VAR) expansion) or, for managed services, the URL itself from the secret.
 */
import type * as k8s from '../../imports/kube';
import { cacheMode, databaseMode, SystemContext } from './context';
import { names } from './names';

export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;
/** Port cert-manager's ACME HTTP-01 solver pod listens on. */
export const HTTP01_SOLVER_PORT = 8089;

/** Database and user name of the in-cluster PostgreSQL. */
export function postgresDatabase(ctx: SystemContext): string {
  return ctx.spec.database?.name ?? ctx.system.replace(/-/g, '_');
}

function secretRef(ctx: SystemContext, key: string): k8s.EnvVarSource {
  return { secretKeyRef: { name: names.secret(ctx), key } };
}

/** Env vars giving DATABASE_URL to a workload that connects to the database. */
export function databaseEnv(ctx: SystemContext): k8s.EnvVar[] {
  const mode = databaseMode(ctx);
  if (mode === undefined) return [];
  if (mode === 'external') return [{ name: 'DATABASE_URL', valueFrom: secretRef(ctx, 'DATABASE_URL') }];
  const db = postgresDatabase(ctx);
  return [
    { name: 'POSTGRES_PASSWORD', valueFrom: secretRef(ctx, 'POSTGRES_PASSWORD') },
    // Kubernetes expands $(POSTGRES_PASSWORD) from the variable above; the value must be URL-safe.
    { name: 'DATABASE_URL', value: `postgresql://${db}:$(POSTGRES_PASSWORD)@${names.postgres(ctx)}:${POSTGRES_PORT}/${db}` },
  ];
}

/** Env vars giving REDIS_URL to a workload that connects to the cache. */
export function cacheEnv(ctx: SystemContext): k8s.EnvVar[] {
  const mode = cacheMode(ctx);
  if (mode === undefined) return [];
  if (mode === 'external') return [{ name: 'REDIS_URL', valueFrom: secretRef(ctx, 'REDIS_URL') }];
  return [
    { name: 'REDIS_PASSWORD', valueFrom: secretRef(ctx, 'REDIS_PASSWORD') },
    { name: 'REDIS_URL', value: `redis://:$(REDIS_PASSWORD)@${names.redis(ctx)}:${REDIS_PORT}/0` },
  ];
}
