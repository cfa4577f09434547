/** cert-manager custom resources, typed by @kubernetes-models/cert-manager. */
import type { IClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import { Construct } from 'constructs';
import { CustomResource, CustomResourceProps } from './custom-resource';

export type ClusterIssuerSpec = IClusterIssuer['spec'];

export class ClusterIssuer extends CustomResource<ClusterIssuerSpec> {
  static readonly GVK = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<ClusterIssuerSpec>) {
    super(scope, id, ClusterIssuer.GVK.apiVersion, ClusterIssuer.GVK.kind, props);
  }
}
