/** Argo CD custom resources, typed by @kubernetes-models/argo-cd. */
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { Construct } from 'constructs';
import { CustomResource, CustomResourceProps } from './custom-resource';

export type ApplicationSpec = IApplication['spec'];
export type AppProjectSpec = NonNullable<IAppProject['spec']>;

export class Application extends CustomResource<ApplicationSpec> {
  static readonly GVK = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<ApplicationSpec>) {
    super(scope, id, Application.GVK.apiVersion, Application.GVK.kind, props);
  }
}

export class AppProject extends CustomResource<AppProjectSpec> {
  static readonly GVK = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<AppProjectSpec>) {
    super(scope, id, AppProject.GVK.apiVersion, AppProject.GVK.kind, props);
  }
}
