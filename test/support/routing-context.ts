/**
 * Contexts for the routing tests: a spec file loaded and validated as synth loads it, resolved
 * against a platform.yaml for one environment.
 */
import { join } from 'node:path';
import { resolvePlatform, SystemContext, systemContext } from '../../src/model/context';
import { loadPlatform, loadSystem } from '../../src/spec/load';

export const ROUTING_FIXTURES = join(__dirname, '..', 'fixtures', 'routing');
export const GATEWAY_PLATFORM = join(ROUTING_FIXTURES, 'gateway-platform.yaml');
export const ROUTING_SHOP = join(ROUTING_FIXTURES, 'shop.yaml');

/** The context of one spec in one environment of a platform file. */
export function contextOf(specFile: string, platformFile: string, env: string): SystemContext {
  const platform = loadPlatform(platformFile);
  return systemContext(loadSystem(specFile, platform).environments.get(env)!, resolvePlatform(platform, env));
}
