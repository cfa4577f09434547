/**
 * The standard-channel CRDs of Gateway API, read from the Go module sigs.k8s.io/gateway-api
 * (config/crd/standard/), fetched pinned by version through the Go module proxy into the
 * shared module cache. The module declares go 1.27, so an older local go fetches that
 * toolchain first (GOTOOLCHAIN), as common for this repository's Go builds.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { K8sObject } from './api';

export const GATEWAY_API_MODULE = 'sigs.k8s.io/gateway-api';
export const GATEWAY_API_VERSION = 'v1.7.0';
const TOOLCHAIN = 'go1.27.4';

/** The CRDs of the kinds synth emits (and the GatewayClass their Gateway names). */
export const GATEWAY_API_CRD_FILES = ['gatewayclasses', 'gateways', 'httproutes'].map((k) => `gateway.networking.k8s.io_${k}.yaml`);

export function gatewayApiCrds(env: NodeJS.ProcessEnv = process.env): K8sObject[] {
  const r = spawnSync('go', ['mod', 'download', '-json', `${GATEWAY_API_MODULE}@${GATEWAY_API_VERSION}`], {
    encoding: 'utf8',
    env: { ...env, GOTOOLCHAIN: env.GOTOOLCHAIN ?? TOOLCHAIN, GOFLAGS: '-mod=mod' },
  });
  const info = r.stdout ? (JSON.parse(r.stdout) as { Dir?: string; Error?: string }) : {};
  if (r.status !== 0 || info.Dir === undefined) {
    throw new Error(`go mod download ${GATEWAY_API_MODULE}@${GATEWAY_API_VERSION} failed: ${info.Error ?? r.stderr ?? r.error?.message}`);
  }
  return GATEWAY_API_CRD_FILES.map((f) => load(readFileSync(join(info.Dir!, 'config', 'crd', 'standard', f), 'utf8')) as K8sObject);
}
