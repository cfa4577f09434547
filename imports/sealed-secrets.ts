/** Bitnami SealedSecret, typed by @kubernetes-models/sealed-secrets. */
import type { ISealedSecret } from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret';
import { Construct } from 'constructs';
import { CustomResource, CustomResourceProps } from './custom-resource';

// The typings predate the CRD's spec.template.data (plain template data, present in the pinned
// v0.40.0 CRD that validates our output): add it here.
export type SealedSecretSpec = ISealedSecret['spec'] & {
  readonly template?: NonNullable<ISealedSecret['spec']>['template'] & { readonly data?: Record<string, string> };
};

export class SealedSecret extends CustomResource<SealedSecretSpec> {
  static readonly GVK = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<SealedSecretSpec>) {
    super(scope, id, SealedSecret.GVK.apiVersion, SealedSecret.GVK.kind, props);
  }
}
