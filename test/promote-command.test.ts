/** `npm run promote` in-process: its arguments and the plan of what it copies. */
import { UsageError } from '../src/cli/command';
import { parsePromoteArgs, planPromotion } from '../src/cli/promote-command';
import type { AppSpec } from '../src/spec/app-spec.generated';

describe('promote arguments', () => {
  test('parses app, from, to and the source flags', () => {
    expect(parsePromoteArgs(['--app', 'shop', '--from', 'staging', '--to', 'production'])).toEqual({
      app: 'shop', from: 'staging', to: 'production', apps: 'apps', out: 'dist', platform: 'platform.yaml',
    });
  });

  test.each([
    [['--from', 'staging', '--to', 'production'], '--app SYSTEM is required'],
    [['--app', 'shop', '--to', 'production'], '--from ENV is required'],
    [['--app', 'shop', '--from', 'staging'], '--to ENV is required'],
    [['--app', 'shop', '--from', 'staging', '--to', 'staging'], '--from and --to are both staging; promote copies images from one environment to another'],
    [['--app', 'shop', '--from', 'staging', '--to', 'production', 'extra'], 'unexpected argument "extra"'],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parsePromoteArgs(argv)).toThrow(new UsageError(message));
  });
});

describe('the promotion plan', () => {
  const component = (image: string, extra: Partial<AppSpec['components'][string]> = {}) =>
    ({ kind: 'worker', image, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } }, ...extra }) as AppSpec['components'][string];
  const spec = (components: AppSpec['components']) => ({ name: 's', components, environments: {} }) as AppSpec;

  test('lists components whose images differ, those only the source runs, and differing sidecars', () => {
    const from = spec({ a: component('r/a:v2'), b: component('r/b:v1'), c: component('r/c:v1'), d: component('r/d:v1', { sidecars: [{ name: 'p', image: 'r/p:v2', resources: component('x').resources }] }) });
    const to = spec({ a: component('r/a:v1'), b: component('r/b:v1'), d: component('r/d:v1', { sidecars: [{ name: 'p', image: 'r/p:v1', resources: component('x').resources }] }) });
    expect(planPromotion(from, to)).toEqual({ promotions: [{ component: 'a', before: 'r/a:v1', after: 'r/a:v2' }], onlyInFrom: ['c'], sidecarImages: ['d'] });
  });
});
