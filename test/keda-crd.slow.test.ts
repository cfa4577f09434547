/**
 * KEDA objects against KEDA's real CRDs: the Go module github.com/kedacore/keda/v2 at the
 * release imports/keda.ts names carries them under config/crd/bases/. `go mod download` fetches
 * it pinned by version (from the module cache when present). Every ScaledObject and
 * TriggerAuthentication synth emits must pass the CRD's openAPIV3Schema, and the hand-written
 * schemas synth validates with must refuse what the CRD refuses.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { load } from 'js-yaml';
import { KEDA_RELEASE } from '../imports/keda';
import { schemaProblems } from '../src/synth/validate';
import { Obj, synthesizeRepo } from './support/manifests';

const moduleDir: string = JSON.parse(
  execFileSync('go', ['mod', 'download', '-json', `${KEDA_RELEASE.module}@${KEDA_RELEASE.version}`], { encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } }),
).Dir;

function crdSchema(file: string): object {
  const crd = load(readFileSync(join(moduleDir, 'config', 'crd', 'bases', file), 'utf8')) as Obj;
  return crd.spec.versions.find((v: Obj) => v.name === 'v1alpha1').schema.openAPIV3Schema;
}

// Kubernetes' int32/int64 formats are not ajv's; the types and bounds still apply.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const REAL = {
  ScaledObject: ajv.compile(crdSchema('keda.sh_scaledobjects.yaml')),
  TriggerAuthentication: ajv.compile(crdSchema('keda.sh_triggerauthentications.yaml')),
};

const kedaObjects = [...synthesizeRepo().folders.entries()].flatMap(([folder, objs]) =>
  objs.filter((o: Obj) => o.apiVersion === 'keda.sh/v1alpha1').map((o: Obj) => [`${folder}/${o.kind}/${o.metadata.name}`, o] as const),
);

test('the repository emits KEDA objects (Tequipy worker in staging and production)', () => {
  expect(kedaObjects.map(([id]) => id).sort()).toEqual([
    'production/tequipy/ScaledObject/tequipy-worker',
    'production/tequipy/TriggerAuthentication/tequipy-worker-queue',
    'staging/tequipy/ScaledObject/tequipy-worker',
    'staging/tequipy/TriggerAuthentication/tequipy-worker-queue',
  ]);
});

test.each(kedaObjects)('%s passes the CRD schema of KEDA %#', (_id, obj) => {
  const validate = REAL[obj.kind as keyof typeof REAL];
  expect(validate(obj) ? [] : validate.errors).toEqual([]);
});

test('rejects a ScaledObject without triggers, in the real CRD and in synth alike', () => {
  const [, scaled] = kedaObjects.find(([id]) => id.includes('ScaledObject'))!;
  const broken = { ...scaled, spec: { ...scaled.spec, triggers: undefined } };
  delete broken.spec.triggers;
  expect(REAL.ScaledObject(broken)).toBe(false);
  expect(schemaProblems(broken)).toEqual(["spec: must have required property 'triggers'"]);
});

test('rejects a trigger whose metadata value is not a string, in the real CRD and in synth alike', () => {
  const [, scaled] = kedaObjects.find(([id]) => id.includes('ScaledObject'))!;
  const broken = { ...scaled, spec: { ...scaled.spec, triggers: [{ ...scaled.spec.triggers[0], metadata: { listLength: 100 } }] } };
  expect(REAL.ScaledObject(broken)).toBe(false);
  expect(schemaProblems(broken)).toEqual(['spec.triggers[0].metadata.listLength: must be string']);
});
