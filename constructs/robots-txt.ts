/**
 * Example custom construct, built with cdk8s-plus-27: a ConfigMap `<system>-robots-txt` holding
 * a robots.txt that keeps crawlers out of the paths a spec lists, for a web server to mount.
 *
 * In a spec:
 *   custom:
 *     - construct: robots-txt
 *       options: { disallow: [/admin/, /api/] }
 */
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { objectMeta, WAVE } from '../charts/meta';
import { names } from '../src/model/names';
import { CustomConstructError, CustomConstructProps } from '../src/escape/custom-api';

/** The options of robots-txt. */
export interface RobotsTxtOptions {
  /**
   * Paths crawlers must not visit, each starting with '/'.
   * @default - none: crawlers may visit everything
   */
  readonly disallow?: readonly string[];
}

function disallowOf(options: Readonly<Record<string, unknown>>): string[] {
  const disallow = options.disallow ?? [];
  if (!Array.isArray(disallow) || !disallow.every((p) => typeof p === 'string' && p.startsWith('/'))) {
    throw new CustomConstructError(`disallow is ${JSON.stringify(disallow)}; give a list of paths that start with '/', e.g. [/admin/]`);
  }
  const unknown = Object.keys(options).filter((k) => k !== 'disallow');
  if (unknown.length > 0) throw new CustomConstructError(`robots-txt takes only 'disallow', not ${unknown.join(', ')}`);
  return [...disallow].sort();
}

export function robotsTxt(scope: Construct, { ctx, options }: CustomConstructProps): void {
  const disallow = disallowOf(options);
  const lines = ['User-agent: *', ...(disallow.length === 0 ? ['Disallow:'] : disallow.map((p) => `Disallow: ${p}`)), ''];
  new kplus.ConfigMap(scope, 'robots-txt', {
    metadata: objectMeta(ctx, names.component(ctx, 'robots-txt'), WAVE.config),
    data: { 'robots.txt': lines.join('\n') },
    immutable: false,
  });
}
