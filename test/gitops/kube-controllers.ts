/**
 * What makes the test API server a cluster whose pods run: kube-controller-manager and
 * kube-scheduler (built from the Kubernetes module of test/cluster/go.mod), kwok for the nodes
 * and the pod lifecycles (running, ready, Job pods completing), and fake nodes for kwok to manage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Api } from '../cluster/api';
import type { ControlPlane } from '../cluster/control-plane';
import { gitopsFile } from './binaries';
import { freePorts } from '../support/free-ports';
import { ProcessGroup, until } from './processes';

/** kwok manages the nodes carrying this annotation (and only those). */
const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export interface ClusterControllersProps {
  readonly cp: ControlPlane;
  readonly api: Api;
  readonly group: ProcessGroup;
  readonly binDir: string;
  /** Scratch folder for the kwok configuration. */
  readonly workDir: string;
  /** Number of fake nodes, one per zone. @default 3 */
  readonly nodes?: number;
}

export async function startClusterControllers(props: ClusterControllersProps): Promise<void> {
  const { cp, group, binDir } = props;
  // Their health/metrics endpoints listen on free loopback ports (0 no longer turns them off).
  const [kcmPort, schedulerPort] = await freePorts(2);
  group.start({
    name: 'kube-controller-manager',
    command: gitopsFile(binDir, 'kube-controller-manager'),
    args: [
      `--kubeconfig=${cp.kubeconfig}`,
      '--leader-elect=false',
      // Tokens need the service-account signing key, which the test control plane keeps to
      // itself; no pod here mounts a token (automountServiceAccountToken: false throughout).
      '--controllers=*,-serviceaccount-token-controller',
      `--root-ca-file=${cp.caFile}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${kcmPort}`,
      // A deleted namespace or a pruned Deployment goes away within seconds.
      '--concurrent-gc-syncs=5',
      '--v=1',
    ],
  });
  group.start({
    name: 'kube-scheduler',
    command: gitopsFile(binDir, 'kube-scheduler'),
    args: [`--kubeconfig=${cp.kubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${schedulerPort}`, '--v=1'],
  });
  const stages = gitopsFile(binDir, 'kwok-stages');
  const config = path.join(props.workDir, 'kwok.yaml');
  fs.writeFileSync(
    config,
    fs
      .readdirSync(stages)
      .sort()
      .map((f) => fs.readFileSync(path.join(stages, f), 'utf8').trim())
      .join('\n---\n') + '\n',
  );
  group.start({
    name: 'kwok',
    command: gitopsFile(binDir, 'kwok'),
    args: [
      `--kubeconfig=${cp.kubeconfig}`,
      `--config=${config}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      '--cidr=10.244.0.1/16',
      '--node-ip=10.0.0.2',
      '--node-lease-duration-seconds=40',
    ],
  });
  const count = props.nodes ?? 3;
  for (let i = 0; i < count; i++) await createNode(props.api, `kwok-node-${i}`, `zone-${String.fromCharCode(97 + i)}`);
  for (let i = 0; i < count; i++) await untilSchedulable(props.api, props.group, `kwok-node-${i}`);
}

async function createNode(api: Api, name: string, zone: string): Promise<void> {
  // Pods of the restricted profile ask for ephemeral storage; a node must offer some.
  const resources = { cpu: '64', memory: '256Gi', pods: '250', 'ephemeral-storage': '1Ti' };
  const r = await api.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/region': 'test',
        'topology.kubernetes.io/zone': zone,
        type: 'kwok',
      },
    },
    spec: {},
    status: { allocatable: resources, capacity: resources, nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'fake' } },
  });
  if (r.status >= 300) throw new Error(`creating node ${name}: ${r.status} ${JSON.stringify(r.body)}`);
}

/**
 * Waits for kwok to report the node Ready and for the node lifecycle controller to lift the
 * `node.kubernetes.io/not-ready` taint, which a node is created with; the taint is removed by
 * hand if the controller has not done so once the node is Ready.
 */
async function untilSchedulable(api: Api, group: ProcessGroup, name: string): Promise<void> {
  const path = `/api/v1/nodes/${name}`;
  let last = '';
  await until(
    async () => {
      group.checkAlive();
      const node = (await api.request('GET', path)).body;
      const ready = (node.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
      const taints: Array<{ key: string }> = node.spec?.taints ?? [];
      last = `ready=${ready} taints=${JSON.stringify(taints)}`;
      if (!ready) return undefined;
      if (taints.length === 0) return true;
      const kept = taints.filter((t) => t.key !== 'node.kubernetes.io/not-ready');
      if (kept.length !== taints.length) {
        await api.request('PATCH', path, JSON.stringify({ spec: { taints: kept } }), 'application/merge-patch+json');
      }
      return undefined;
    },
    120_000,
    () => `node ${name} not schedulable (${last})`,
  );
}
