/**
 * The edge of one system: its routes model (src/model/routes.ts) rendered by the platform's
 * routing implementation of this environment, ingress-nginx Ingresses or Gateway API HTTPRoutes.
 */
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { systemRoutes } from '../src/model/routes';
import { HttpRoutes } from './http-route';
import { Ingress } from './ingress';

export interface RoutingProps {
  /** The system and environment; nothing is emitted when the spec has no `ingress`. */
  readonly ctx: SystemContext;
}

export class Routing extends Construct {
  constructor(scope: Construct, id: string, props: RoutingProps) {
    super(scope, id);
    const { ctx } = props;
    const routes = systemRoutes(ctx);
    if (routes === undefined) return;
    switch (ctx.platform.routing) {
      case 'ingress-nginx':
        new Ingress(this, 'ingress', { ctx, routes });
        break;
      case 'gateway-api':
        new HttpRoutes(this, 'http-routes', { ctx, routes });
        break;
    }
  }
}
