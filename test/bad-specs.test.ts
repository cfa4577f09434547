/**
 * The bad-spec corpus: each folder of test/bad-specs/ holds one spec, a variation of the valid
 * spec in test/fixtures/minimal-spec/ with one thing wrong. Synth must exit 1, name the file,
 * the field path and the problem on stderr, and leave the output folder exactly as it was.
 * Most cases run runSynth in-process (fast); a representative subset runs the real CLI as a
 * child process, as a user would.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { MAX_SPEC_BYTES } from '../src/spec/load';
import { runSynth } from '../src/cli/synth-command';
import { createProgress } from '../src/cli/progress';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from '../src/synth/output-folder';
import { DirSnapshot, snapshotDir } from './support/snapshot-dir';

const REPO = resolve(__dirname, '..');
const CORPUS = join(__dirname, 'bad-specs');
const MINIMAL = join(__dirname, 'fixtures', 'minimal-spec');
const PLATFORM = join(REPO, 'platform.yaml');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

interface BadSpec {
  /** Folder under test/bad-specs/. */
  readonly name: string;
  /**
   * The file the message names, relative to the case folder, for cases laid out as `apps/`
   * (one or more specs) plus an optional `platform.yaml` that replaces the repository's.
   * @default - the one spec file of the case folder, read with the repository's platform.yaml
   */
  readonly file?: string;
  /** A secret value in the case that must not appear anywhere in the output. */
  readonly secret?: string;
  /** The field path exactly as the message shows it; '(document)' for the whole file. */
  readonly path: string;
  /** A fragment of the problem that says what is wrong (and, where it matters, why). */
  readonly problem: string;
  /** Also run through the CLI as a child process. */
  readonly spawn?: boolean;
}

const CASES: readonly BadSpec[] = [
  // Wrong types.
  { name: 'wrong-type-replicas', path: 'components.web.replicas', problem: 'is a string "two" but must be an integer' },
  { name: 'wrong-type-connects-to', path: 'components.web.connectsTo', problem: 'is a string "api" but must be a list' },
  { name: 'wrong-type-tls', path: 'ingress.tls', problem: 'is a string "yes please" but must be true or false' },
  // Unknown fields.
  { name: 'unknown-field-top-level', path: 'replicas', problem: 'unknown field "replicas"; allowed fields here: name, description' },
  { name: 'unknown-field-nested', path: 'components.api.probes.startupp', problem: 'unknown field "startupp"; allowed fields here: liveness, readiness, startup' },
  // Names that are not DNS labels.
  { name: 'bad-dns-system-name', path: 'name', problem: 'is "Shop_App" but must be a DNS label' },
  { name: 'bad-dns-component-name', path: 'components.Mail_Worker', problem: 'the name "Mail_Worker" is not allowed here; it must be a DNS label' },
  { name: 'bad-dns-host', path: 'ingress.host', problem: 'is "shop_front.example.com" but must be a lower-case DNS host name' },
  // Duplicates.
  { name: 'duplicate-route-path', path: 'ingress.routes[2].path', problem: 'repeats Prefix /api of ingress.routes[0]' },
  { name: 'duplicate-egress-port', path: 'components.api.egress[1]', problem: 'repeats TCP/443; list each port once' },
  // Schedules.
  { name: 'cron-bad-value', path: 'backups[0].schedule', problem: '"30 25 * * *" is not a valid cron schedule: hour field "25"' },
  { name: 'cron-bad-month-name', path: 'backups[0].schedule', problem: 'is not a valid cron schedule: month field "JUNE"' },
  { name: 'cron-wrong-field-count', path: 'backups[0].schedule', problem: 'is "0 30 2 * * *" but must be a five-field cron expression' },
  // Zero and negative quantities.
  { name: 'size-zero', path: 'storage.volumes.data.size', problem: 'is "0Gi" but must be a positive size' },
  { name: 'size-negative', path: 'backups[0].size', problem: 'is "-2Gi" but must be a positive size' },
  { name: 'replicas-negative', path: 'components.web.replicas', problem: 'is -1 but must be at least 0' },
  { name: 'retention-zero', path: 'backups[0].retentionDays', problem: 'is 0 but must be at least 1' },
  // The SQLite single writer and autoscaling.
  { name: 'sqlite-writer-replicas', path: 'components.api.replicas', problem: 'is 2 but a SQLite backend is a single writer', spawn: true },
  { name: 'sqlite-writer-replicas-in-override', path: 'environments.production.components.api.replicas', problem: 'is 3 but a SQLite backend is a single writer' },
  { name: 'sqlite-writer-autoscaling', path: 'components.api.autoscaling', problem: 'cannot be set: a SQLite backend is a single writer' },
  { name: 'hpa-min-above-max', path: 'components.web.autoscaling.minReplicas', problem: 'is 5 but maxReplicas is 2; minReplicas must be at most maxReplicas' },
  { name: 'replicas-with-autoscaling', path: 'components.web.replicas', problem: "is set together with 'autoscaling'; the HPA owns the replica count" },
  // Secrets where only settings belong, named by key.
  { name: 'secret-in-config-password', path: 'config.SMTP_PASSWORD', problem: 'looks like a secret (its name "SMTP_PASSWORD" says it holds a secret); move SMTP_PASSWORD to secrets.keys', spawn: true },
  { name: 'secret-in-config-api-key', path: 'config.STRIPE_API_KEY', problem: 'looks like a secret (its name "STRIPE_API_KEY" says it holds a key)' },
  { name: 'secret-in-config-url-credentials', path: 'config.UPSTREAM_URL', problem: 'looks like a secret (its value holds a URL with a password in it); move UPSTREAM_URL' },
  { name: 'secret-in-config-private-key', path: 'config.JWT_SIGNER_PEM', problem: 'looks like a secret (its value holds a private key); move JWT_SIGNER_PEM' },
  { name: 'secret-in-component-env', path: 'components.web.env.GITHUB_TOKEN', problem: 'looks like a secret (its name "GITHUB_TOKEN" says it holds a secret)' },
  // Files that are not one YAML mapping.
  { name: 'yaml-syntax-error', path: '(document)', problem: 'is not valid YAML at line 50, column 5: missed comma between flow collection entries', spawn: true },
  { name: 'yaml-bad-indentation', path: '(document)', problem: 'is not valid YAML at line 41, column 10: bad indentation of a mapping entry' },
  { name: 'yaml-duplicate-key', path: '(document)', problem: 'is not valid YAML at line 38, column 3: duplicated mapping key' },
  { name: 'empty-file', path: '(document)', problem: 'is empty; a spec is a YAML mapping', spawn: true },
  { name: 'comments-only', path: '(document)', problem: 'is empty; a spec is a YAML mapping' },
  { name: 'top-level-list', path: '(document)', problem: 'must be a YAML mapping (key: value lines) but is a list', spawn: true },
  { name: 'top-level-scalar', path: '(document)', problem: 'must be a YAML mapping (key: value lines)' },
  // Images.
  { name: 'image-latest-tag', path: 'components.web.image', problem: "it uses the tag 'latest', which moves with every push (rule no-latest-tag): pin the release tag or digest CI built, e.g. :v1.4.2" },
  { name: 'image-without-tag', path: 'components.web.image', problem: 'is "registry.example.com/shop-web" but must be an image reference pinned by tag or digest' },
  { name: 'image-registry-port-no-tag', path: 'components.web.image', problem: 'must be an image reference pinned by tag or digest' },
  // Probes.
  { name: 'missing-probes', path: 'components.web.probes.liveness', problem: 'is required: Kubernetes restarts a hung container only if it has a liveness probe' },
  { name: 'probe-two-forms', path: 'components.web.probes.liveness', problem: "must set exactly one of 'path' (HTTP GET), 'command' (exec) or 'tcp: true'; it sets 2" },
  // References between fields.
  { name: 'route-to-missing-component', path: 'ingress.routes[0].component', problem: 'refers to component "admin", which does not exist' },
  { name: 'route-to-worker', path: 'ingress.routes[0].component', problem: 'refers to "mailer", a worker with no Service' },
  { name: 'connects-to-worker', path: 'components.web.connectsTo[1]', problem: 'refers to "mailer", a worker that listens on no port' },
  { name: 'connects-to-missing-component', path: 'components.web.connectsTo[0]', problem: 'refers to component "cart", which does not exist' },
  { name: 'volume-not-defined', path: 'components.api.volumes.media', problem: 'refers to volume "media", which storage.volumes does not define; defined: data' },
  { name: 'environment-not-in-platform', path: 'environments.qa', problem: 'is not an environment of platform.yaml; known: dev, staging, production', spawn: true },
  // Resources and ports.
  { name: 'limits-below-requests', path: 'components.api.resources.limits.memory', problem: 'is 256Mi, below the request 512Mi' },
  { name: 'cpu-limit-below-request', path: 'components.api.resources.limits.cpu', problem: 'is 250m, below the request 500m' },
  { name: 'port-zero', path: 'components.api.port', problem: 'is 0 but must be at least 1' },
  { name: 'port-too-high', path: 'components.api.port', problem: 'is 70000 but must be at most 65535' },
  // Secret modes.
  { name: 'sealed-missing-encrypted-key', path: 'secrets.encryptedData.SMTP_PASSWORD', problem: "is missing: with mode 'sealed' every key needs its kubeseal-encrypted value" },
  { name: 'external-without-store', path: 'secrets.store', problem: "is required when mode is 'external'" },
  // The system's name.
  { name: 'name-file-mismatch', path: 'name', problem: 'is "store" but the file is shop.yaml; name the file store.yaml', spawn: true },
  { name: 'reserved-system-name', path: 'name', problem: '"platform" is reserved for dist/<env>/platform/' },
  // Secrets by value, anywhere a spec holds strings; the value never appears in the message.
  { name: 'secret-value-jwt-in-config', path: 'config.UPSTREAM_AUTH', problem: 'looks like a secret (its value holds a JSON Web Token); move UPSTREAM_AUTH to secrets.keys', secret: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' },
  { name: 'secret-value-aws-key-in-env', path: 'components.web.env.S3_USER', problem: 'looks like a secret (its value holds an AWS access key id)', secret: 'AKIAQYLPMN5HFIQR7XYZ' },
  { name: 'secret-value-gcp-key-in-config', path: 'config.MAPS_URL', problem: 'looks like a secret (its value holds a Google Cloud API key)', secret: 'AIzaSyDqR4uVw8Xy2Zb5Cc7Dd9Ee1Ff3Gg5Hh7I' },
  { name: 'secret-value-azure-connection-string', path: 'config.STORAGE_CONNECTION', problem: 'looks like a secret (its value holds an Azure storage or Service Bus key)', secret: 'c2hvcGZpbGVzc2VjcmV0' },
  { name: 'secret-value-slack-token-in-env', path: 'components.web.env.NOTIFY_WITH', problem: 'looks like a secret (its value holds a Slack token)', secret: 'xoxb-2048613599-a8Kd93LmQz' },
  { name: 'secret-value-github-token-in-args', path: 'components.mailer.args[1]', problem: 'holds a secret (a GitHub token); secret values never belong in a spec', secret: 'ghp_Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8' },
  { name: 'secret-value-gitlab-token-in-command', path: 'components.mailer.command[3]', problem: 'holds a secret (a GitLab token)', secret: 'glpat-Q7rT2vX9kLm4NpW8sJd3' },
  { name: 'secret-value-password-argument', path: 'components.mailer.args[0]', problem: 'holds a secret (an argument "--smtp-password=" with a literal value)', secret: 'hunter2-smtp' },
  { name: 'secret-value-password-flag-pair', path: 'components.mailer.args[1]', problem: 'holds a secret (the value of "--password", written literally)', secret: 'hunter2-pair' },
  { name: 'secret-value-url-in-probe-command', path: 'components.mailer.probes.liveness.command[2]', problem: 'holds a secret (a URL with a password in it)', secret: 'probe-pass' },
  { name: 'secret-value-pgp-in-config-file', path: 'configFiles.signing.asc', problem: 'contains a secret (its value holds a PGP private key block)', secret: 'lQOYBGVzZWNyZXRrZXlibG9ja2lzbm90aGVyZQ' },
  { name: 'secret-value-gcp-service-account-file', path: 'configFiles.gcs.json', problem: 'contains a secret (its value holds a Google Cloud service account key)', secret: '4f1c0e9a7b' },
  { name: 'secret-value-in-description', path: 'description', problem: 'holds a secret (a GitHub token)', secret: 'ghp_Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8Zx8' },
  { name: 'secret-value-in-override-env', path: 'environments.dev.components.web.env.SESSION_SEED', problem: 'looks like a secret (its value holds a JSON Web Token)', secret: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' },
  // Reserved, shared and over-long namespaces.
  { name: 'namespace-default', path: 'namespace', problem: "is \"default\", which is Kubernetes' default namespace" },
  { name: 'namespace-kube-system', path: 'namespace', problem: "is \"kube-system\", which is reserved for Kubernetes' own components (kube-*)" },
  { name: 'namespace-kube-prefix', path: 'namespace', problem: "is \"kube-shop\", which is reserved for Kubernetes' own components (kube-*)" },
  { name: 'namespace-argocd', path: 'namespace', problem: "is \"argocd\", which is the namespace platform.yaml's argocd.namespace names" },
  { name: 'namespace-monitoring', path: 'namespace', problem: "is \"monitoring\", which is the namespace platform.yaml's monitoring.namespace names" },
  { name: 'namespace-ingress-controller', path: 'namespace', problem: "is \"ingress-nginx\", which is the namespace platform.yaml's ingress.controllerNamespace names" },
  { name: 'namespace-longhorn', path: 'namespace', problem: "is \"longhorn-system\", which is Longhorn's namespace" },
  { name: 'namespace-composed-kube', path: 'name', problem: "gives the namespace \"kube-dev\" in dev (<name>-<environment>), which is reserved for Kubernetes' own components (kube-*)" },
  { name: 'namespace-composed-too-long', file: 'apps/shop-with-a-very-long-name.yaml', path: 'name', problem: 'with the environment "production-eu-west-1-blue-green-canary-preview-cluster" makes "shop-with-a-very-long-name-production-eu-west-1-blue-green-canary-preview-cluster", 81 characters; the namespace and the app.kubernetes.io/instance label allow 63' },
  // Two owners of one namespace or host and path on one cluster.
  { name: 'two-systems-one-namespace', file: 'apps/store.yaml', path: 'namespace', problem: 'namespace shared in dev is already used by' },
  { name: 'two-systems-one-host-and-path', file: 'apps/store.yaml', path: 'ingress.routes[0].path', problem: 'serves shop.example.com/api in dev, which' },
  { name: 'namespace-shared-by-two-environments', file: 'apps/shop.yaml', path: 'namespace', problem: 'namespace shop-shared in staging is already used by test/bad-specs/namespace-shared-by-two-environments/apps/shop.yaml in dev on the same cluster' },
  { name: 'platform-shared-cluster-conflicting-issuer', file: 'platform.yaml', path: 'environments.staging.cluster', problem: 'is the cluster of dev too, where ClusterIssuer letsencrypt-staging exists once, but staging defines it differently' },
  // Names the spec chooses that clash with names synth generates; names Kubernetes would refuse.
  { name: 'component-named-migrate', path: 'components.migrate', problem: 'the name "migrate" gives shop-migrate, the name synth gives the migration Job' },
  { name: 'component-named-like-backup', path: 'components.backup-db', problem: 'the name "backup-db" gives shop-backup-db, the name synth gives the backup backups[0] ("db")' },
  { name: 'component-named-redis', path: 'components.redis', problem: 'the name "redis" gives shop-redis, the name synth gives the in-cluster Redis' },
  { name: 'component-named-like-maintenance-task', path: 'components.mailer', problem: 'the name "mailer" gives shop-mailer, the name synth gives the maintenance task maintenance[0]' },
  { name: 'volume-named-like-backup-claim', path: 'storage.volumes.backup-db', problem: 'gives the PersistentVolumeClaim shop-backup-db, the claim of the backup backups[0]' },
  { name: 'volume-named-config-files', path: 'components.api.configFilesPath', problem: 'mounting configFiles gives the pod volume name "config-files", which components.api.volumes.config-files gives too' },
  { name: 'writable-paths-one-volume-name', path: 'components.web.writablePaths[1]', problem: 'the writable path /var/a/b gives the pod volume name "scratch-var-a-b", which components.web.writablePaths[0] gives too' },
  { name: 'config-file-name-too-long', path: 'configFiles.settings-settings-settings-settings-sett...', problem: 'characters; a ConfigMap key has at most 253' },
  { name: 'backup-cronjob-name-too-long', path: 'backups[0].name', problem: 'makes the CronJob name "shop-with-a-very-long-name-abc-backup-nightly-sqlite-dump" 57 characters long; Kubernetes allows 52' },
  { name: 'yaml-alias-bomb', path: '(document)', problem: 'expands to more than 4194304 bytes through YAML aliases' },
  // Cron schedules as the CronJob controller (robfig/cron) reads them, and schedules that never fire.
  { name: 'cron-day-of-week-seven', path: 'backups[0].schedule', problem: 'day of week field "7" has "7"; allowed: 0-6 or SUN-SAT' },
  { name: 'cron-never-fires-february-31', path: 'backups[0].schedule', problem: 'never fires: no month in "2" has a day "31"' },
  { name: 'cron-never-fires-april-june-31', path: 'backups[0].schedule', problem: 'never fires: no month in "4,6" has a day "31"' },
  { name: 'cron-step-zero', path: 'backups[0].schedule', problem: 'minute field "*/0" has step "0"; a step is a positive integer' },
  { name: 'cron-range-reversed', path: 'backups[0].schedule', problem: 'hour field "5-2" has range "5-2" whose start is after its end' },
  { name: 'cron-unknown-descriptor', path: 'backups[0].schedule', problem: 'is not a known descriptor; known: @yearly' },
  { name: 'cron-every-without-unit', path: 'backups[0].schedule', problem: 'after @every, which is not a duration such as 1h30m' },
  { name: 'cron-empty-list-item', path: 'backups[0].schedule', problem: 'hour field "1,,2" has an empty item' },
  { name: 'cron-maintenance-bad-minute', path: 'maintenance[0].schedule', problem: 'minute field "60" has "60"; allowed: 0-59' },
  { name: 'platform-backup-schedule-never-fires', file: 'platform.yaml', path: 'storage.backupSchedule', problem: '"0 3 30 2 *" is not a valid cron schedule: never fires' },
  { name: 'platform-backup-schedule-bad-hour', file: 'platform.yaml', path: 'storage.backupSchedule', problem: 'hour field "24" has "24"; allowed: 0-23' },
  // PromQL that Prometheus would reject.
  { name: 'alert-expr-unclosed-paren', path: 'monitoring.alerts[0].expr', problem: 'is not valid PromQL: syntax error at character' },
  { name: 'alert-expr-dangling-operator', path: 'monitoring.alerts[0].expr', problem: 'is not valid PromQL: syntax error at character 17' },
  { name: 'alert-expr-bad-duration', path: 'monitoring.alerts[0].expr', problem: 'is not valid PromQL' },
  { name: 'dashboard-query-invalid', path: 'monitoring.dashboard.panels[0].queries[0].expr', problem: 'is not valid PromQL' },
  // Image references: the distribution grammar, and no latest for any image.
  { name: 'image-registry-port-not-numeric', path: 'components.web.image', problem: 'has the registry "registry.example.com:5000x", which is not a host name with an optional numeric port' },
  { name: 'image-colon-in-path', path: 'components.web.image', problem: 'has the path component "shop:web"' },
  { name: 'cache-image-latest', path: 'cache.image', problem: "\"redis:latest\" uses the tag 'latest', which moves with every push" },
  { name: 'backup-image-latest', path: 'backups[0].image', problem: "uses the tag 'latest'" },
  // Mount paths, ReadWriteOnce volumes, preStop.
  { name: 'mount-path-trailing-slash', path: 'components.web.writablePaths[0]', problem: 'is /tmp/, which is not a normalised path; write /tmp' },
  { name: 'mount-path-dot-dot', path: 'components.web.writablePaths[0]', problem: 'is /var/cache/../tmp, which is not a normalised path; write /var/tmp' },
  { name: 'mount-paths-collide-once-normalised', path: 'components.web.writablePaths[1]', problem: 'mounts /var/tmp, which components.web.writablePaths[0] mounts too' },
  { name: 'rwo-volume-two-replicas', path: 'components.web.volumes.media', problem: 'mounts the ReadWriteOnce volume "media" but the component may run 2 pods' },
  { name: 'rwo-volume-two-components', path: 'components.mailer.volumes.media', problem: 'mounts the ReadWriteOnce volume "media", which components.api mounts too' },
  { name: 'prestop-as-long-as-default-grace', path: 'components.web.preStopSleepSeconds', problem: 'is 30 but the grace period is 30s (the default)' },
  { name: 'prestop-longer-than-grace', path: 'components.web.preStopSleepSeconds', problem: 'is 15 but the grace period is 10s: the container is killed before the sleep ends' },
  // TLS without an issuer; platform.yaml as Argo CD reads it.
  { name: 'tls-without-issuer', file: 'apps/shop.yaml', path: 'ingress.tls', problem: 'is on (the default) but platform.yaml configures no certificate issuer for dev' },
  { name: 'platform-repo-url-http', file: 'platform.yaml', path: 'repoURL', problem: 'Argo CD would fetch over plain http://' },
  { name: 'platform-repo-url-git-protocol', file: 'platform.yaml', path: 'repoURL', problem: 'the git:// protocol is unauthenticated and unencrypted' },
  { name: 'platform-repo-url-with-password', file: 'platform.yaml', path: 'repoURL', problem: 'holds a password; Argo CD takes repository credentials from a repository Secret', secret: 'repo-pass-42' },
  { name: 'platform-dist-path-leaves-repo', file: 'platform.yaml', path: 'distPath', problem: 'which leaves the repository' },
  { name: 'platform-dist-path-absolute', file: 'platform.yaml', path: 'distPath', problem: 'is "/srv/dist", an absolute path' },
  { name: 'platform-dist-path-repo-root', file: 'platform.yaml', path: 'distPath', problem: 'is ".", the repository root' },
  { name: 'platform-dist-path-not-normalised', file: 'platform.yaml', path: 'distPath', problem: 'is "./dist/", which is not normalised; write it as "dist"' },
  { name: 'platform-target-revision-invalid', file: 'platform.yaml', path: 'targetRevision', problem: "\"release..1\" holds '..'" },
  { name: 'platform-cluster-http', file: 'platform.yaml', path: 'environments.staging.cluster', problem: 'is "http://staging.k8s.voltaic.systems" but must be API server URL of the destination cluster' },
  { name: 'platform-cluster-trailing-slash', file: 'platform.yaml', path: 'environments.production.cluster', problem: "with a trailing '/'; Argo CD matches destination servers exactly" },
  // Settings YAML would silently change.
  { name: 'config-unquoted-version', path: 'config.API_VERSION', problem: 'is written 2.10, which YAML reads as the number 2.1, so the container would see "2.1"; quote it to keep it exactly: "2.10"' },
  { name: 'config-capitalised-boolean', path: 'config.FEATURE_CHECKOUT', problem: 'is written True, which YAML reads as the boolean true' },
  { name: 'config-exponent-number', path: 'config.PAGE_SIZE', problem: 'is written 1e3, which YAML reads as the number 1000' },
  { name: 'env-hex-number', path: 'components.web.env.UMASK', problem: 'is written 0x1F, which YAML reads as the number 31' },
  { name: 'config-override-unquoted-version', path: 'environments.production.config.API_VERSION', problem: 'is written 1.10, which YAML reads as the number 1.1' },
  // Files: UTF-8, symbolic links.
  { name: 'invalid-utf8-latin1-byte', path: '(document)', problem: 'is not valid UTF-8: line 3' },
  { name: 'invalid-utf8-truncated-sequence', path: '(document)', problem: 'is not valid UTF-8: line 6' },
  { name: 'spec-symlink-outside-folder', file: 'apps/shop.yaml', path: '(document)', problem: 'is a symbolic link to ' },
];

/** How messages show a file: relative to the working directory when inside it, else absolute. */
function shown(file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

/** The one spec file of a case folder. */
function specOf(dir: string): string {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  if (files.length !== 1) throw new Error(`${dir} must hold exactly one spec, holds ${files.join(', ') || 'none'}`);
  return join(dir, files[0]);
}

/** What synth reads for a case, and the file its message must name. */
function inputsOf(c: BadSpec): { apps: string; platform: string; file: string } {
  const dir = join(CORPUS, c.name);
  if (c.file === undefined) return { apps: dir, platform: PLATFORM, file: specOf(dir) };
  const own = join(dir, 'platform.yaml');
  return { apps: join(dir, 'apps'), platform: existsSync(own) ? own : PLATFORM, file: join(dir, c.file) };
}


/** A temporary parent with `out/` pre-populated by a sentinel tree, as a previous synth would have left it. */
function sentinelOut(): { parent: string; out: string } {
  const parent = mkdtempSync(join(tmpdir(), 'bad-spec-'));
  const out = join(parent, 'out');
  mkdirSync(join(out, 'dev', 'shop'), { recursive: true });
  copyFileSync(PLATFORM, join(out, 'dev', 'shop', 'sentinel-platform.yaml'));
  copyFileSync(specOf(MINIMAL), join(out, 'sentinel-spec.yaml'));
  writeFileSync(join(out, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
  return { parent, out };
}

interface Run {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
}

function runInProcess(apps: string, out: string, platform: string = PLATFORM): Run {
  let stdout = '';
  let stderr = '';
  const code = runSynth({ check: false, apps, out, platform, quiet: false, build: {} }, (s) => (stdout += s), (s) => (stderr += s), createProgress(process.stderr, { CI: 'true' }));
  return { code, stderr, stdout };
}

/** The real CLI, as `npm run synth -- --apps DIR --out DIR` runs it, from the repository root. */
function runCli(apps: string, out: string, platform: string = PLATFORM): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(TSX, ['main.ts', '--apps', apps, '--out', out, '--platform', platform], { cwd: REPO, env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr, stdout }));
  });
}

/** The assertions every bad spec must pass. */
function expectRejected(run: Run, shownFile: string, path: string, problem: string): void {
  expect(run.code).toBe(1);
  const prefix = `${shownFile}: ${path}: `;
  const lines = run.stderr.split('\n').filter((l) => l.startsWith(prefix));
  // Shows the whole stderr when no line names the file and path.
  expect(lines.length > 0 ? lines : run.stderr).toEqual(expect.arrayContaining([expect.stringContaining(problem)]));
  expect(run.stderr).toMatch(/nothing was written/);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stdout).not.toMatch(/synthesized/);
}

/** A secret of the case appears nowhere in what synth printed. */
function expectNotEchoed(run: Run, secret: string | undefined): void {
  if (secret === undefined) return;
  expect(`${run.stdout}${run.stderr}`.includes(secret)).toBe(false);
}

function expectUntouched(parent: string, out: string, before: DirSnapshot): void {
  expect(snapshotDir(out)).toEqual(before);
  expect(readdirSync(parent)).toEqual(['out']);
}

test('the minimal spec every case varies is valid and synthesizes', () => {
  const { parent, out } = sentinelOut();
  try {
    const run = runInProcess(MINIMAL, out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'production', 'shop', 'deployment-shop-api.yaml'))).toBe(true);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('the corpus has a table entry for every case folder and a folder for every entry', () => {
  expect(readdirSync(CORPUS).sort()).toEqual(CASES.map((c) => c.name).sort());
  expect(CASES.length).toBeGreaterThanOrEqual(100);
});

test('each case file is named after its system, except the case about the name', () => {
  for (const c of CASES.filter((x) => x.file !== 'platform.yaml')) {
    const file = inputsOf(c).file;
    const text = readFileSync(file, 'utf8');
    const name = /^name: (\S+)$/m.exec(text)?.[1];
    if (c.name === 'name-file-mismatch' || name === undefined) continue;
    expect(`${c.name}: ${name}.yaml`).toBe(`${c.name}: ${file.split('/').pop()}`);
  }
});

describe('rejects a bad spec in-process with exit 1, the file, the field path and the problem, writing nothing', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { apps, platform, file } = inputsOf(c);
    const { parent, out } = sentinelOut();
    try {
      const before = snapshotDir(out);
      const run = runInProcess(apps, out, platform);
      expectRejected(run, shown(file), c.path, c.problem);
      expectNotEchoed(run, c.secret);
      expectUntouched(parent, out, before);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

test('rejects a spec larger than 256 KiB before parsing it', () => {
  const { parent, out } = sentinelOut();
  try {
    const apps = join(parent, 'apps');
    mkdirSync(apps);
    const file = join(apps, 'shop.yaml');
    writeFileSync(file, `${readFileSync(specOf(MINIMAL), 'utf8')}configFiles:\n  big.txt: "${'x'.repeat(MAX_SPEC_BYTES)}"\n`);
    const before = snapshotDir(out);
    const run = runInProcess(apps, out);
    expectRejected(run, shown(file), '(document)', `bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes`);
    expect(snapshotDir(out)).toEqual(before);
    expect(readdirSync(parent).sort()).toEqual(['apps', 'out']);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('rejects a spec whose YAML aliases build a ConfigMap over 1 MiB, naming the object', () => {
  const { parent, out } = sentinelOut();
  try {
    const apps = join(parent, 'apps');
    mkdirSync(apps);
    const file = join(apps, 'shop.yaml');
    // 200 000 characters written once, referenced six times: under the 256 KiB file limit, over 1 MiB built.
    const files = ['b', 'c', 'd', 'e', 'f', 'g'].map((n) => `  ${n}.txt: *big\n`).join('');
    writeFileSync(file, `${readFileSync(specOf(MINIMAL), 'utf8')}configFiles:\n  a.txt: &big "${'x'.repeat(200_000)}"\n${files}`);
    const before = snapshotDir(out);
    const run = runInProcess(apps, out);
    expectRejected(run, shown(file), 'ConfigMap/shop-files', 'bytes once built (YAML aliases in the spec expanded); Kubernetes refuses objects over 1048576 bytes');
    expect(snapshotDir(out)).toEqual(before);
    expect(readdirSync(parent).sort()).toEqual(['apps', 'out']);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('reports the problems of every bad file in one run', () => {
  const { parent, out } = sentinelOut();
  try {
    const apps = join(parent, 'apps');
    mkdirSync(apps);
    copyFileSync(specOf(join(CORPUS, 'port-zero')), join(apps, 'shop.yaml'));
    copyFileSync(specOf(join(CORPUS, 'reserved-system-name')), join(apps, 'platform.yaml'));
    const run = runInProcess(apps, out);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${shown(join(apps, 'shop.yaml'))}: components.api.port: is 0`);
    expect(run.stderr).toContain(`${shown(join(apps, 'platform.yaml'))}: name: "platform" is reserved`);
    expect(run.stderr).toMatch(/synth failed with 2 errors; nothing was written/);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

describe('rejects a bad spec through the real CLI (child process) with exit 1, writing nothing', () => {
  interface Spawned {
    readonly name: string;
    readonly shown: string;
    readonly path: string;
    readonly problem: string;
    readonly parent: string;
    readonly out: string;
    readonly before: DirSnapshot;
    readonly siblings: string[];
    run?: Run;
  }
  const spawned: Spawned[] = [];

  beforeAll(async () => {
    for (const c of CASES.filter((x) => x.spawn === true)) {
      const dir = join(CORPUS, c.name);
      const { parent, out } = sentinelOut();
      spawned.push({ name: c.name, shown: shown(specOf(dir), REPO), path: c.path, problem: c.problem, parent, out, before: snapshotDir(out), siblings: ['out'] });
    }
    // The huge file is generated, never committed.
    const { parent, out } = sentinelOut();
    const apps = join(parent, 'apps');
    mkdirSync(apps);
    const huge = join(apps, 'shop.yaml');
    writeFileSync(huge, `${readFileSync(specOf(MINIMAL), 'utf8')}${'# padding to exceed the size limit\n'.repeat(Math.ceil(MAX_SPEC_BYTES / 30))}`);
    spawned.push({
      name: 'huge-file',
      shown: shown(huge, REPO),
      path: '(document)',
      problem: `bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes`,
      parent,
      out,
      before: snapshotDir(out),
      siblings: ['apps', 'out'],
    });
    // Two at a time: each child compiles the CLI with esbuild.
    for (let i = 0; i < spawned.length; i += 2) {
      await Promise.all(spawned.slice(i, i + 2).map(async (s) => (s.run = await runCli(s.name === 'huge-file' ? join(s.parent, 'apps') : join(CORPUS, s.name), s.out))));
    }
  }, 120_000);

  afterAll(() => {
    for (const s of spawned) rmSync(s.parent, { recursive: true, force: true });
  });

  test('runs at least five cases as child processes', () => {
    expect(spawned.length).toBeGreaterThanOrEqual(5);
  });

  test.each([...CASES.filter((c) => c.spawn === true).map((c) => c.name), 'huge-file'])('%s', (name) => {
    const s = spawned.find((x) => x.name === name)!;
    expectRejected(s.run!, s.shown, s.path, s.problem);
    expect(snapshotDir(s.out)).toEqual(s.before);
    expect(readdirSync(s.parent).sort()).toEqual(s.siblings);
  });
});
