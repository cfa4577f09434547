/**
 * Where an escape hatch of one environment comes from in the spec file: the environment's
 * override when it sets the field (lists replace on merge, so all of it comes from there),
 * else the base spec. Errors name that field, e.g. `environments.production.patches[0]`.
 */
import type { LoadedSystem } from '../spec/load';

export type EscapeField = 'extraObjects' | 'patches' | 'waivers' | 'custom';

/** The spec path of an escape-hatch field of `system` in `env`. */
export function escapeFieldPath(system: LoadedSystem, env: string, field: EscapeField): string {
  const override = system.base.environments[env] as Record<string, unknown> | null | undefined;
  return override !== null && override !== undefined && override[field] !== undefined ? `environments.${env}.${field}` : field;
}
