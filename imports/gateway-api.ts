/**
 * Gateway API (gateway.networking.k8s.io/v1) Gateway and HTTPRoute: the subset of fields synth
 * writes, typed from the standard-channel CRDs of sigs.k8s.io/gateway-api v1.7.0
 * (config/crd/standard/gateway.networking.k8s.io_{gateways,httproutes}.yaml). Their schemas
 * (the fields synth writes) validate the objects at synth time; the cluster test applies them
 * to a real API server with the full CRDs.
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

/** DNS subdomain, lower case: Gateway API's Hostname without a wildcard, and its SectionName. */
const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Gateway API Hostname: a DNS subdomain, optionally with a leading `*.` wildcard label. */
const HOSTNAME = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const OBJECT_NAME = { type: 'string', minLength: 1, maxLength: 253 } as const;
const LABELS = { type: 'object', additionalProperties: { type: 'string' } } as const;

const PARENT_REFERENCE = {
  type: 'object',
  required: ['name'],
  properties: {
    group: { type: 'string', maxLength: 253 },
    kind: { type: 'string', minLength: 1, maxLength: 63 },
    name: OBJECT_NAME,
    namespace: { type: 'string', minLength: 1, maxLength: 63 },
    sectionName: { type: 'string', minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
  },
} as const;

/**
 * The fields synth writes of the standard-channel v1 CRDs (sigs.k8s.io/gateway-api v1.7.0,
 * config/crd/standard/gateway.networking.k8s.io_{gateways,httproutes}.yaml): types, enums,
 * patterns and list limits as the CRDs declare them. No dependency of ours ships these schemas, so
 * src/synth/validate.ts checks Gateway API objects against this subset at synth time; the
 * cluster test (test/cluster/gateway-api.test.ts) applies them to a real API server with the
 * full CRDs.
 */
export const GATEWAY_OPENAPI_SCHEMA = {
  type: 'object',
  required: ['spec'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['gatewayClassName', 'listeners'],
      properties: {
        gatewayClassName: OBJECT_NAME,
        listeners: {
          type: 'array',
          minItems: 1,
          maxItems: 64,
          items: {
            type: 'object',
            required: ['name', 'port', 'protocol'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN },
              hostname: { type: 'string', minLength: 1, maxLength: 253, pattern: HOSTNAME },
              port: { type: 'integer', minimum: 1, maximum: 65535 },
              protocol: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9]+$' },
              tls: {
                type: 'object',
                properties: {
                  mode: { type: 'string', enum: ['Terminate', 'Passthrough'] },
                  certificateRefs: {
                    type: 'array',
                    maxItems: 64,
                    items: {
                      type: 'object',
                      required: ['name'],
                      properties: { group: { type: 'string' }, kind: { type: 'string' }, name: OBJECT_NAME, namespace: { type: 'string' } },
                    },
                  },
                },
              },
              allowedRoutes: {
                type: 'object',
                properties: {
                  namespaces: {
                    type: 'object',
                    properties: {
                      from: { type: 'string', enum: ['All', 'Selector', 'Same'] },
                      selector: { type: 'object', properties: { matchLabels: LABELS } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
} as const;

/** See GATEWAY_OPENAPI_SCHEMA. */
export const HTTPROUTE_OPENAPI_SCHEMA = {
  type: 'object',
  required: ['spec'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        parentRefs: { type: 'array', maxItems: 32, items: PARENT_REFERENCE },
        hostnames: { type: 'array', maxItems: 16, items: { type: 'string', minLength: 1, maxLength: 253, pattern: HOSTNAME } },
        rules: {
          type: 'array',
          maxItems: 16,
          items: {
            type: 'object',
            properties: {
              matches: {
                type: 'array',
                maxItems: 64,
                items: {
                  type: 'object',
                  properties: {
                    path: {
                      type: 'object',
                      properties: {
                        type: { type: 'string', enum: ['Exact', 'PathPrefix', 'RegularExpression'] },
                        value: { type: 'string', maxLength: 1024 },
                      },
                    },
                  },
                },
              },
              filters: {
                type: 'array',
                maxItems: 16,
                items: {
                  type: 'object',
                  required: ['type'],
                  properties: {
                    type: { type: 'string', enum: ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef', 'CORS'] },
                    requestRedirect: {
                      type: 'object',
                      properties: {
                        scheme: { type: 'string', enum: ['http', 'https'] },
                        hostname: { type: 'string', minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN },
                        statusCode: { type: 'integer', enum: [301, 302, 303, 307, 308] },
                      },
                    },
                    responseHeaderModifier: {
                      type: 'object',
                      properties: {
                        set: {
                          type: 'array',
                          maxItems: 16,
                          items: {
                            type: 'object',
                            required: ['name', 'value'],
                            properties: { name: { type: 'string', minLength: 1, maxLength: 256, pattern: "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$" }, value: { type: 'string', minLength: 1, maxLength: 4096 } },
                          },
                        },
                      },
                    },
                  },
                },
              },
              backendRefs: {
                type: 'array',
                maxItems: 16,
                items: { type: 'object', required: ['name'], properties: { name: OBJECT_NAME, port: { type: 'integer', minimum: 1, maximum: 65535 } } },
              },
              timeouts: {
                type: 'object',
                properties: { request: { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' }, backendRequest: { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' } },
              },
            },
          },
        },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
} as const;

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
