/**
 * external-secrets ExternalSecret, typed by @kubernetes-models/external-secrets, whose newest
 * published schema is v1beta1 (served by external-secrets up to and including 0.16).
 */
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret';
import { Construct } from 'constructs';
import { CustomResource, CustomResourceProps } from './custom-resource';

export type ExternalSecretSpec = NonNullable<IExternalSecret['spec']>;

export class ExternalSecret extends CustomResource<ExternalSecretSpec> {
  static readonly GVK = { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<ExternalSecretSpec>) {
    super(scope, id, ExternalSecret.GVK.apiVersion, ExternalSecret.GVK.kind, props);
  }
}
