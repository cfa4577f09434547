import { canonicalJson } from '../src/bootstrap/canonical-json';

describe('canonicalJson', () => {
  test('keeps nested keys that a replacer array of the top-level keys would drop', () => {
    const cm = { metadata: { name: 'argocd-cm', labels: { a: '1' } }, data: { 'resource.customizations.health.argoproj.io_Application': 'hs = {}' } };
    expect(canonicalJson(cm)).toBe('{"data":{"resource.customizations.health.argoproj.io_Application":"hs = {}"},"metadata":{"labels":{"a":"1"},"name":"argocd-cm"}}');
  });

  test('gives the same text for the same content in any key order', () => {
    expect(canonicalJson({ b: { y: 1, x: [{ q: 1, p: 2 }] }, a: null })).toBe(canonicalJson({ a: null, b: { x: [{ p: 2, q: 1 }], y: 1 } }));
  });

  test('tells objects apart that differ only in a nested value', () => {
    expect(canonicalJson({ data: { k: 'one' } })).not.toBe(canonicalJson({ data: { k: 'two' } }));
  });
});
