/**
 * NetworkPolicy of cert-manager's ACME HTTP-01 solver pods: under the namespace's default deny,
 * the edge proxy must reach them on their port, or the ACME server never reads the challenge
 * token and the certificate is never issued. The rule comes from the flow model
 * (src/model/flows.ts), like every other policy.
 * @see https://cert-manager.io/docs/configuration/acme/http01/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { systemFlows } from '../src/model/flows';
import { names } from '../src/model/names';
import { HTTP01_SOLVER_LABELS } from '../src/model/routes';
import { objectMeta, WAVE } from './meta';
import { peerSelector } from './network-policy';

export interface AcmeSolverPolicyProps {
  /** The system and environment; the policy exists only when its flows ask for the solver. */
  readonly ctx: SystemContext;
}

export class AcmeSolverPolicy extends Construct {
  constructor(scope: Construct, id: string, props: AcmeSolverPolicyProps) {
    super(scope, id);
    const { ctx } = props;
    const flows = systemFlows(ctx).filter((f) => f.to.kind === 'acme-solver');
    if (flows.length === 0) return;
    new k8s.KubeNetworkPolicy(this, 'policy', {
      metadata: objectMeta(ctx, names.acmeSolverPolicy(ctx), WAVE.config),
      spec: {
        podSelector: { matchLabels: { ...HTTP01_SOLVER_LABELS } },
        // The solver only answers; its egress stays denied (no egress rule).
        policyTypes: ['Ingress', 'Egress'],
        ingress: flows.map((f) => ({ from: [peerSelector(ctx, f.from)], ports: [{ protocol: f.protocol, port: f.port }] })),
      },
    });
  }
}
