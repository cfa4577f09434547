/**
 * Gateway API (gateway.networking.k8s.io/v1) Gateway and HTTPRoute: the subset of fields synth
 * writes, typed from the standard-channel CRDs of sigs.k8s.io/gateway-api v1.7.0
 * (config/crd/standard/gateway.networking.k8s.io_{gateways,httproutes}.yaml). The full CRD
 * schemas validate the objects at synth time (see the add-on releases in platform.yaml).
 */
import { Construct } from 'constructs';
import { CustomResource, CustomResourceProps } from './custom-resource';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** A Gateway listener a route attaches to. */
export interface ParentReference {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName?: string;
}

export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

export interface HttpRouteFilter {
  readonly type: 'RequestRedirect' | 'ResponseHeaderModifier';
  readonly requestRedirect?: {
    readonly scheme?: 'http' | 'https';
    readonly hostname?: string;
    readonly statusCode?: 301 | 302 | 303 | 307 | 308;
  };
  readonly responseHeaderModifier?: { readonly set?: readonly HttpHeader[] };
}

export interface HttpRouteRule {
  readonly matches?: ReadonlyArray<{ readonly path?: { readonly type: 'Exact' | 'PathPrefix'; readonly value: string } }>;
  readonly filters?: readonly HttpRouteFilter[];
  readonly backendRefs?: ReadonlyArray<{ readonly name: string; readonly port: number }>;
  /** Durations such as 60s (Gateway API's own format, at most 4 units). */
  readonly timeouts?: { readonly request?: string };
}

export interface HttpRouteSpec {
  readonly parentRefs: readonly ParentReference[];
  readonly hostnames?: readonly string[];
  readonly rules: readonly HttpRouteRule[];
}

export interface GatewayListener {
  readonly name: string;
  readonly hostname?: string;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly tls?: { readonly mode: 'Terminate'; readonly certificateRefs: ReadonlyArray<{ readonly kind: 'Secret'; readonly name: string }> };
  readonly allowedRoutes?: {
    readonly namespaces: { readonly from: 'All' | 'Same' | 'Selector'; readonly selector?: { readonly matchLabels: Record<string, string> } };
  };
}

export interface GatewaySpec {
  readonly gatewayClassName: string;
  readonly listeners: readonly GatewayListener[];
}

export class HTTPRoute extends CustomResource<HttpRouteSpec> {
  static readonly GVK = { apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: 'HTTPRoute' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<HttpRouteSpec>) {
    super(scope, id, HTTPRoute.GVK.apiVersion, HTTPRoute.GVK.kind, props);
  }
}

export class Gateway extends CustomResource<GatewaySpec> {
  static readonly GVK = { apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: 'Gateway' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<GatewaySpec>) {
    super(scope, id, Gateway.GVK.apiVersion, Gateway.GVK.kind, props);
  }
}
