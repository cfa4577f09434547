import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import { synthesizeChart } from '../src/synth/pair-builder';
import { isPlainData } from '../src/synth/plain-resolve';

class Token {
  resolve(): string {
    return 'from-a-token';
  }
}

describe('cdk8s resolve is skipped only for plain data', () => {
  test.each([
    ['a string', 'x'],
    ['nested objects and arrays', { a: [1, 'b', { c: true, d: null }], e: undefined }],
    ['an object without a prototype', Object.assign(Object.create(null), { a: 1 })],
  ])('%s is plain', (_name, value) => {
    expect(isPlainData(value)).toBe(true);
  });

  test.each([
    ['a Lazy value', { a: Lazy.any({ produce: () => 1 }) }],
    ['an object with a resolve() method', { a: [new Token()] }],
    ['a class instance', { a: new Date(0) }],
    ['a function', { a: () => 1 }],
    ['an array carrying a value property', { a: Object.assign([1], { value: 2 }) }],
  ])('%s is not', (_name, value) => {
    expect(isPlainData(value)).toBe(false);
  });

  test('objects holding Lazy values and tokens are still resolved by cdk8s', () => {
    const manifests = synthesizeChart((app: App) => {
      const chart = new Chart(app, 'c');
      new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { b: '2', a: '1' } });
      new ApiObject(chart, 'lazy', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'lazy', labels: { from: Lazy.any({ produce: () => 'lazy-label' }) } },
        data: { lazy: Lazy.any({ produce: () => 'produced' }), token: new Token() as unknown as string },
      });
      return chart;
    });
    expect(manifests).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { a: '1', b: '2' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lazy', labels: { from: 'lazy-label' } }, data: { lazy: 'produced', token: 'from-a-token' } },
    ]);
    // Keys come out sorted, as cdk8s sorts them, whichever path an object took.
    expect(Object.keys(manifests[0].data as object)).toEqual(['a', 'b']);
  });
});
