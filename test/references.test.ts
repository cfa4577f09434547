/**
 * Cross-object consistency of every system in every environment: selectors match pods,
 * ports line up, and every referenced object exists or is declared.
 */
import { Obj, podTemplate, selects, synthesizeRepo } from './support/manifests';

const { folders, specs } = synthesizeRepo();
const systemFolders = [...folders.entries()].filter(([folder]) => !/\/(platform|apps|bootstrap)$/.test(folder));

function workloads(objs: Obj[]): Obj[] {
  return objs.filter((o) => podTemplate(o) !== undefined);
}

/** Secrets a folder declares: ExternalSecret targets, SealedSecrets, or bootstrap-mode specs. */
function declaredSecrets(folder: string, objs: Obj[]): Set<string> {
  const names = new Set<string>();
  for (const o of objs) {
    if (o.kind === 'ExternalSecret') names.add(o.spec.target.name);
    if (o.kind === 'SealedSecret') names.add(o.spec.template.metadata.name);
  }
  const [env, system] = folder.split('/');
  const spec = specs.systems.find((s) => s.base.name === system)?.environments.get(env);
  if (spec?.secrets?.mode === 'bootstrap') names.add(`${system}-secrets`);
  return names;
}

describe.each(systemFolders)('%s', (folder, objs) => {
  const pods = workloads(objs).map((w) => ({ workload: w, template: podTemplate(w) }));

  test('every Service selects the pods of a workload and targets a port those pods name', () => {
    for (const svc of objs.filter((o) => o.kind === 'Service')) {
      const targets = pods.filter((p) => selects(svc.spec.selector, p.template.metadata.labels));
      expect(targets.length).toBeGreaterThan(0);
      for (const port of svc.spec.ports) {
        for (const { template } of targets) {
          const names = template.spec.containers.flatMap((c: Obj) => (c.ports ?? []).map((p: Obj) => p.name));
          expect(names).toContain(port.targetPort);
        }
      }
    }
  });

  test('every Ingress backend is a Service of the folder on a port it exposes', () => {
    for (const ing of objs.filter((o) => o.kind === 'Ingress')) {
      for (const rule of ing.spec.rules) {
        for (const path of rule.http.paths) {
          const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === path.backend.service.name);
          expect(svc?.metadata.name).toBe(path.backend.service.name);
          expect(svc.spec.ports.map((p: Obj) => p.port)).toContain(path.backend.service.port.number);
        }
      }
    }
  });

  test('every HPA scales a Deployment of the folder that leaves replicas to it', () => {
    for (const hpa of objs.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
      const target = objs.find((o) => o.kind === hpa.spec.scaleTargetRef.kind && o.metadata.name === hpa.spec.scaleTargetRef.name);
      expect(target?.metadata.name).toBe(hpa.spec.scaleTargetRef.name);
      expect(target.spec.replicas).toBeUndefined();
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    }
  });

  test('every referenced PVC, ConfigMap, Secret and ServiceAccount is defined or declared', () => {
    const defined = (kind: string) => new Set(objs.filter((o) => o.kind === kind).map((o) => o.metadata.name));
    const pvcs = defined('PersistentVolumeClaim');
    const configMaps = defined('ConfigMap');
    const serviceAccounts = defined('ServiceAccount');
    const secrets = declaredSecrets(folder, objs);
    for (const { workload, template } of pods) {
      const spec = template.spec;
      expect(serviceAccounts).toContain(spec.serviceAccountName);
      for (const v of spec.volumes ?? []) {
        if (v.persistentVolumeClaim) expect(pvcs).toContain(v.persistentVolumeClaim.claimName);
        if (v.configMap) expect(configMaps).toContain(v.configMap.name);
        if (v.secret) expect(secrets).toContain(v.secret.secretName);
      }
      for (const c of spec.containers) {
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) expect(configMaps).toContain(from.configMapRef.name);
          if (from.secretRef) expect(secrets).toContain(from.secretRef.name);
        }
        for (const e of c.env ?? []) {
          if (e.valueFrom?.configMapKeyRef) expect(configMaps).toContain(e.valueFrom.configMapKeyRef.name);
          if (e.valueFrom?.secretKeyRef) expect(secrets).toContain(e.valueFrom.secretKeyRef.name);
        }
      }
      const mounts = spec.containers.flatMap((c: Obj) => c.volumeMounts ?? []).map((m: Obj) => m.name);
      // A StatefulSet's disk comes from its volumeClaimTemplates.
      const volumes = [...(spec.volumes ?? []), ...(workload.spec.volumeClaimTemplates ?? []).map((t: Obj) => t.metadata)].map((v: Obj) => v.name);
      for (const m of mounts) expect(volumes).toContain(m);
      expect(workload.metadata.namespace).toBe(objs.find((o) => o.kind === 'Namespace').metadata.name);
    }
  });

  test('every NetworkPolicy selects pods of the folder (or all of them) and peers select real pods', () => {
    for (const np of objs.filter((o) => o.kind === 'NetworkPolicy')) {
      const selector = np.spec.podSelector.matchLabels;
      if (selector === undefined) continue; // default deny: all pods
      expect(pods.some((p) => selects(selector, p.template.metadata.labels))).toBe(true);
      const peers = [...(np.spec.ingress ?? []).flatMap((r: Obj) => r.from), ...(np.spec.egress ?? []).flatMap((r: Obj) => r.to)];
      for (const peer of peers) {
        if (peer.podSelector && !peer.namespaceSelector) {
          expect(pods.some((p) => selects(peer.podSelector.matchLabels, p.template.metadata.labels))).toBe(true);
        }
      }
    }
  });
});
