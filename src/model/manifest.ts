/**
 * The one shape of a Kubernetes object as synth handles it: plain JSON with apiVersion, kind
 * and metadata. Charts produce it (cdk8s toJson), the validator, the policy gate, the writer,
 * bootstrap and the tests read it.
 */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}
