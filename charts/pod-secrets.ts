/**
 * How secrets reach a pod: each container gets exactly the keys it lists, one secretKeyRef env
 * var per key, never a whole Secret by envFrom (a key added to the Secret outside git would
 * otherwise appear in every container); keys an app reads from files are mounted read-only;
 * and pods pull private images with the system's dockerconfigjson Secret.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
 */
import * as k8s from '../imports/kube';
import type { SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import type { Component } from '../src/spec/app-spec.generated';

/** Volume name of a component's secret files. */
export const SECRET_FILES_VOLUME = 'secret-files';

/** Owner and group may read, nobody writes: the pod's fsGroup owns the files. */
export const SECRET_FILE_MODE = 0o440;

/** The keys a component's `secrets` selection names: 'all' means every key of secrets.keys. */
export function selectedSecretKeys(ctx: SystemContext, selection: Component['secrets']): string[] {
  const s = selection ?? 'none';
  if (s === 'none') return [];
  if (s === 'all') return [...(ctx.spec.secrets?.keys ?? [])].sort();
  return [...s];
}

/** One env var per secret key, read from the system's Secret. */
export function secretKeyEnv(ctx: SystemContext, keys: readonly string[]): k8s.EnvVar[] {
  return keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: names.secret(ctx), key } } }));
}

/** The secret-files volume and its read-only mount, when the component asks for them. */
export function secretFiles(ctx: SystemContext, c: Component): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const files = c.secretFiles;
  if (files === undefined) return { volumes: [], mounts: [] };
  const items = [...files.keys].sort().map((key) => ({ key, path: key }));
  return {
    volumes: [{ name: SECRET_FILES_VOLUME, secret: { secretName: names.secret(ctx), items, defaultMode: SECRET_FILE_MODE } }],
    mounts: [{ name: SECRET_FILES_VOLUME, mountPath: files.path, readOnly: true }],
  };
}

/** imagePullSecrets of every pod of the system, when the spec names a private registry. */
export function imagePullSecrets(ctx: SystemContext): Array<{ name: string }> | undefined {
  return ctx.spec.imagePullSecret === undefined ? undefined : [{ name: names.registrySecret(ctx) }];
}
