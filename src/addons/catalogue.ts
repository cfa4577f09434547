/**
 * The cluster add-ons whose custom resources dist/ may hold: where each publishes its CRDs,
 * which kinds of them we care about, and the release clusters run when platform.yaml names
 * none. One home for these facts: `npm run crds` (scripts/crds.ts) reads the CRD files from the
 * Go module zips named here, synth validates against what it extracted (crds/), and the cluster
 * tests install the same files.
 */

/** Key of an add-on in platform.yaml's `addons` mapping. */
export type AddonName =
  | 'argocd'
  | 'certManager'
  | 'externalSecrets'
  | 'sealedSecrets'
  | 'prometheusOperator'
  | 'longhorn'
  | 'gatewayApi'
  | 'keda';

/** Where an add-on's CRDs come from and which of them dist/ may use. */
export interface AddonSource {
  /** Human name, as messages show it. */
  readonly title: string;
  /**
   * Go module whose zip carries the CRD YAML, or undefined when the project publishes none
   * (Longhorn: no Go module and no npm package; its schema is written in imports/longhorn.ts).
   */
  readonly module?: string;
  /** CRD files inside the module zip, one CRD each: the kinds dist/ emits or may emit. */
  readonly crdFiles: readonly string[];
  /** API groups the add-on owns: an object of these groups is checked against this add-on's CRDs. */
  readonly groups: readonly string[];
  /**
   * The release used when platform.yaml names none: the newest the Go module proxy served on
   * 2026-12-01 (`go list -m -versions MODULE`), which can lag the project's own releases.
   */
  readonly defaultRelease: string;
  /** Releases with a committed artifact in crds/ (the default and the older set the tests use). */
  readonly releases: readonly string[];
}

export const ADDONS: Readonly<Record<AddonName, AddonSource>> = {
  argocd: {
    title: 'Argo CD',
    module: 'github.com/argoproj/argo-cd/v3',
    crdFiles: ['manifests/crds/application-crd.yaml', 'manifests/crds/appproject-crd.yaml'],
    groups: ['argoproj.io'],
    defaultRelease: 'v3.6.1',
    releases: ['v3.3.19', 'v3.6.1'],
  },
  certManager: {
    title: 'cert-manager',
    module: 'github.com/cert-manager/cert-manager',
    crdFiles: ['deploy/crds/cert-manager.io_clusterissuers.yaml', 'deploy/crds/cert-manager.io_certificates.yaml'],
    groups: ['cert-manager.io'],
    defaultRelease: 'v1.21.2',
    releases: ['v1.21.0', 'v1.21.2'],
  },
  externalSecrets: {
    title: 'External Secrets',
    module: 'github.com/external-secrets/external-secrets',
    crdFiles: ['config/crds/bases/external-secrets.io_externalsecrets.yaml'],
    groups: ['external-secrets.io'],
    // Upstream is at 2.x; the proxy serves v1.3.2 as the newest module version.
    defaultRelease: 'v1.3.2',
    releases: ['v0.16.2', 'v1.3.2'],
  },
  sealedSecrets: {
    title: 'sealed-secrets',
    module: 'github.com/bitnami-labs/sealed-secrets',
    crdFiles: ['helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml'],
    groups: ['bitnami.com'],
    defaultRelease: 'v0.40.0',
    releases: ['v0.27.1', 'v0.40.0'],
  },
  prometheusOperator: {
    title: 'prometheus-operator',
    module: 'github.com/prometheus-operator/prometheus-operator',
    crdFiles: [
      'example/prometheus-operator-crd-full/monitoring.coreos.com_servicemonitors.yaml',
      'example/prometheus-operator-crd-full/monitoring.coreos.com_podmonitors.yaml',
      'example/prometheus-operator-crd-full/monitoring.coreos.com_prometheusrules.yaml',
    ],
    groups: ['monitoring.coreos.com'],
    // The only version the proxy serves, so the older set uses it too.
    defaultRelease: 'v0.85.0',
    releases: ['v0.85.0'],
  },
  longhorn: {
    title: 'Longhorn',
    crdFiles: [],
    groups: ['longhorn.io'],
    defaultRelease: 'v1.12.1',
    releases: ['v1.12.1'],
  },
  gatewayApi: {
    title: 'Gateway API',
    module: 'sigs.k8s.io/gateway-api',
    crdFiles: [
      'config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml',
      'config/crd/standard/gateway.networking.k8s.io_gateways.yaml',
      'config/crd/standard/gateway.networking.k8s.io_httproutes.yaml',
      'config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml',
    ],
    groups: ['gateway.networking.k8s.io'],
    defaultRelease: 'v1.7.0',
    releases: ['v1.6.3', 'v1.7.0'],
  },
  keda: {
    title: 'KEDA',
    module: 'github.com/kedacore/keda/v2',
    crdFiles: ['config/crd/bases/keda.sh_scaledobjects.yaml', 'config/crd/bases/keda.sh_triggerauthentications.yaml'],
    groups: ['keda.sh'],
    defaultRelease: 'v2.21.0',
    releases: ['v2.16.1', 'v2.21.0'],
  },
};

/** Add-on names in a fixed order (platform.yaml's, the README's). */
export const ADDON_NAMES = Object.keys(ADDONS) as AddonName[];

/**
 * The older release set the tests prove dist/ against besides the defaults: the oldest
 * release of each add-on with a committed artifact.
 */
export const OLDER_RELEASES: Readonly<Record<AddonName, string>> = Object.fromEntries(
  ADDON_NAMES.map((name) => [name, ADDONS[name].releases[0]]),
) as Record<AddonName, string>;

/** The add-on that owns an API group, or undefined for groups no add-on owns (built-in kinds). */
export function addonOfGroup(group: string): AddonName | undefined {
  return ADDON_NAMES.find((name) => ADDONS[name].groups.includes(group));
}
