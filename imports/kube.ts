/**
 * Built-in Kubernetes objects as cdk8s ApiObjects whose fields are typed by the upstream
 * OpenAPI models of kubernetes-models, the same package that validates every object in synth
 * (src/synth/validate.ts): one source for both the types and the check. The fields are the
 * Kubernetes JSON itself (int-or-string and quantities are plain numbers and strings), so an
 * object renders through cdk8s' resolve and key sorting alone. cdk8s-plus' L1 classes rendered
 * the same JSON but walked every object a second time to convert it, which was ~14 % of
 * synth's CPU (npm run bench).
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IStorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import type { IAffinity } from 'kubernetes-models/v1/Affinity';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvFromSource } from 'kubernetes-models/v1/EnvFromSource';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IEnvVarSource } from 'kubernetes-models/v1/EnvVarSource';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';

export type Affinity = IAffinity;
export type Container = IContainer;
export type EnvFromSource = IEnvFromSource;
export type EnvVar = IEnvVar;
export type EnvVarSource = IEnvVarSource;
export type NetworkPolicyPeer = INetworkPolicyPeer;
export type NetworkPolicyPort = INetworkPolicyPort;
export type PodSecurityContext = IPodSecurityContext;
export type PodTemplateSpec = IPodTemplateSpec;
export type Probe = IProbe;
export type ResourceRequirements = IResourceRequirements;
export type SecurityContext = ISecurityContext;
export type Volume = IVolume;
export type VolumeMount = IVolumeMount;

/** Props of a built-in object: its metadata (cdk8s' own type) and its other top-level fields. */
export type KubeProps<T> = { readonly metadata: ApiObjectMetadata } & Omit<T, 'apiVersion' | 'kind' | 'metadata'>;

/** The ApiObject class of one built-in kind. */
function kubeKind<T extends { apiVersion: string; kind: string }>(apiVersion: T['apiVersion'], kind: T['kind']) {
  return class extends ApiObject {
    constructor(scope: Construct, id: string, props: KubeProps<T>) {
      super(scope, id, { apiVersion, kind, ...props });
    }
  };
}

export const KubeConfigMap = kubeKind<IConfigMap>('v1', 'ConfigMap');
export const KubeCronJob = kubeKind<ICronJob>('batch/v1', 'CronJob');
export const KubeDeployment = kubeKind<IDeployment>('apps/v1', 'Deployment');
export const KubeHorizontalPodAutoscalerV2 = kubeKind<IHorizontalPodAutoscaler>('autoscaling/v2', 'HorizontalPodAutoscaler');
export const KubeIngress = kubeKind<IIngress>('networking.k8s.io/v1', 'Ingress');
export const KubeJob = kubeKind<IJob>('batch/v1', 'Job');
export const KubeNamespace = kubeKind<INamespace>('v1', 'Namespace');
export const KubeNetworkPolicy = kubeKind<INetworkPolicy>('networking.k8s.io/v1', 'NetworkPolicy');
export const KubePersistentVolumeClaim = kubeKind<IPersistentVolumeClaim>('v1', 'PersistentVolumeClaim');
export const KubePodDisruptionBudget = kubeKind<IPodDisruptionBudget>('policy/v1', 'PodDisruptionBudget');
export const KubeService = kubeKind<IService>('v1', 'Service');
export const KubeServiceAccount = kubeKind<IServiceAccount>('v1', 'ServiceAccount');
export const KubeStatefulSet = kubeKind<IStatefulSet>('apps/v1', 'StatefulSet');
export const KubeStorageClass = kubeKind<IStorageClass>('storage.k8s.io/v1', 'StorageClass');
