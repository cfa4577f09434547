/**
 * The system's Namespace, labelled for Pod Security Admission at the restricted level
 * (enforce, audit and warn), so the API server rejects any pod that is not hardened.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { systemLabels } from '../src/model/names';
import { SYNC_WAVE, WAVE } from './meta';

/** Pod Security Admission labels of every namespace we create. */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
};

export interface NamespaceProps {
  readonly ctx: SystemContext;
}

export class Namespace extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    new k8s.KubeNamespace(this, 'namespace', { metadata: namespaceMetadata(props.ctx) });
  }
}

/** Metadata of the namespace; the bootstrap folder reuses it so both paths agree. */
export function namespaceMetadata(ctx: SystemContext) {
  return {
    name: ctx.namespace,
    labels: { ...systemLabels(ctx), ...POD_SECURITY_LABELS },
    annotations: { [SYNC_WAVE]: String(WAVE.namespace) },
  };
}
