import { strategicMerge } from '../src/escape/strategic-merge';

const pod = {
  spec: {
    containers: [
      { name: 'main', image: 'app:v1', env: [{ name: 'A', value: '1' }], args: ['--a'] },
      { name: 'sidecar', image: 'proxy:v1' },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }],
    tolerations: [{ key: 'a', operator: 'Exists' }],
  },
};

test('containers merge by name and env by name; other containers stay', () => {
  const out = strategicMerge(pod, { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }] }] } });
  expect(out.spec.containers).toEqual([
    { name: 'main', image: 'app:v1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], args: ['--a'] },
    { name: 'sidecar', image: 'proxy:v1' },
  ]);
});

test('a list item with $patch: delete is removed by its key', () => {
  const out = strategicMerge(pod, { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } });
  expect(out.spec.containers.map((c) => c.name)).toEqual(['main']);
});

test('lists without a merge key (args, tolerations) are replaced whole', () => {
  const out = strategicMerge(pod, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'main', args: ['--b'] }] } });
  expect(out.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  expect(out.spec.containers[0].args).toEqual(['--b']);
});

test('null removes a field and $patch: replace replaces a map', () => {
  const out = strategicMerge(pod, { spec: { tolerations: null, volumes: [{ name: 'tmp', emptyDir: { $patch: 'replace', medium: 'Memory' } }] } });
  expect('tolerations' in out.spec).toBe(false);
  expect(out.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { medium: 'Memory' } }]);
});

test('the target is not modified', () => {
  const before = structuredClone(pod);
  strategicMerge(pod, { spec: { containers: [{ name: 'main', image: 'app:v2' }] } });
  expect(pod).toEqual(before);
});

test('rejects $patch: delete in a list Kubernetes does not merge by key', () => {
  expect(() => strategicMerge(pod, { spec: { tolerations: [{ key: 'a', $patch: 'delete' }] } })).toThrow(
    '/spec/tolerations: $patch in a list item needs a list Kubernetes merges by key',
  );
});
