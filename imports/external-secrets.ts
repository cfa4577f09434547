/**
 * external-secrets ExternalSecret, `external-secrets.io/v1`: the only version External
 * Secrets serves since 0.17 (v1beta1 is `served: false`). `@kubernetes-models/external-secrets`
 * knows only v1alpha1/v1beta1, so the spec type is generated from the v1 CRD of the default
 * release (npm run crds), and synth validates every object against the CRD of the release
 * platform.yaml names.
 */
import { Construct } from 'constructs';
import { CustomResource, CustomResourceProps } from './custom-resource';
import type { ExternalSecretSpec } from './external-secrets.generated';

export type { ExternalSecretSpec };

export class ExternalSecret extends CustomResource<ExternalSecretSpec> {
  static readonly GVK = { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<ExternalSecretSpec>) {
    super(scope, id, ExternalSecret.GVK.apiVersion, ExternalSecret.GVK.kind, props);
  }
}
