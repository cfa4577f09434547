import { memoizeByString } from '../src/spec/memo';

test('a remembered function runs once per input, undefined results included, and answers as the function does', () => {
  const calls: string[] = [];
  const f = memoizeByString((s: string) => {
    calls.push(s);
    return s.startsWith('x') ? undefined : s.length;
  });
  expect([f('ab'), f('xy'), f('ab'), f('xy'), f('abc')]).toEqual([2, undefined, 2, undefined, 3]);
  expect(calls).toEqual(['ab', 'xy', 'abc']);
});

test('forgets what it remembered once it holds too many inputs, and still answers right', () => {
  let calls = 0;
  const f = memoizeByString((s: string) => {
    calls++;
    return s.length;
  });
  for (let i = 0; i < 10_001; i++) f(`k${i}`);
  expect(calls).toBe(10_001);
  expect(f('k0')).toBe(2);
  expect(calls).toBe(10_002);
});
