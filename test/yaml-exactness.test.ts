import { settingsYamlWouldChange } from '../src/spec/yaml-exactness';

describe('the second YAML parse is skipped only when no word could read back differently', () => {
  test.each([
    ['a flow mapping', 'config: { RATIO: 1.50 }\n', 'config.RATIO'],
    ['a value on the next line', 'config:\n  LIMIT:\n    1e3\n', 'config.LIMIT'],
    ['an environment override', 'environments:\n  dev:\n    config: { DEBUG: True }\n', 'environments.dev.config.DEBUG'],
    ['a signed number', 'components:\n  web:\n    env: { OFFSET: +5 }\n', 'components.web.env.OFFSET'],
    ['a line with a comment after it', 'config:\n  RATIO: 1.50 # the ratio\n', 'config.RATIO'],
    ['a line after a quoted # and a comment line', '# uid 1000.\nconfig:\n  A: "x #y"\n  RATIO: 2.10\n', 'config.RATIO'],
    ['a line after a comment that holds a quote', "config: # it's\n  RATIO: 2.10\n", 'config.RATIO'],
    ['a flow mapping after a quoted #', 'config: { A: "x #y", RATIO: 1.10 }\n', 'config.RATIO'],
  ])('a setting in %s is still found', (_name, text, path) => {
    expect(settingsYamlWouldChange(text).map((p) => p.path)).toEqual([path]);
  });

  test('numbers and booleans written as they read back are no problem', () => {
    expect(settingsYamlWouldChange('config: { PORT: 8080, DEBUG: true, RATIO: 0.5 }\n# 1.0 in a comment\n')).toEqual([]);
  });
});
