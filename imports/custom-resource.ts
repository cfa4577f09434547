/**
 * A typed cdk8s ApiObject for a custom resource whose shape comes from an upstream
 * kubernetes-models package (or, for Longhorn, from imports/longhorn.ts).
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

export interface CustomResourceProps<Spec> {
  /** Object metadata; `name` is required so that names in dist/ are stable and readable. */
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  /** The resource's `spec` (or, for kinds without one, see `body`). */
  readonly spec?: Spec;
  /** Top-level fields besides metadata and spec (e.g. a SealedSecret's `template` lives in spec). */
  readonly body?: Record<string, unknown>;
}

export class CustomResource<Spec> extends ApiObject {
  constructor(scope: Construct, id: string, apiVersion: string, kind: string, props: CustomResourceProps<Spec>) {
    super(scope, id, { apiVersion, kind, metadata: props.metadata, ...(props.spec === undefined ? {} : { spec: props.spec }), ...props.body });
  }
}
