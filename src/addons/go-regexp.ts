/**
 * CRD patterns are Go (RE2) regular expressions; a few use syntax JavaScript lacks, such as
 * the inline flag `(?i)`. Those, and only those, go to RE2 itself (re2-wasm), so the common
 * case stays on the native engine. ajv calls this for every `pattern`; the precompiled
 * validators (validators.generated.js) require it by the path in `code`.
 */
export interface RegExpLike {
  test(s: string): boolean;
}

export function goRegExp(source: string, flags: string): RegExpLike {
  try {
    return new RegExp(source, flags);
  } catch {
    // Compiled on first use: the validators make their patterns when they load, and loading
    // re2-wasm costs ~70 ms that most runs (no field with such a pattern set) never need.
    let re2: RegExpLike | undefined;
    return {
      test(s: string): boolean {
        if (re2 === undefined) {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const { RE2 } = require('re2-wasm') as { RE2: new (s: string, f: string) => RegExpLike };
          re2 = new RE2(source, flags.includes('u') ? flags : `${flags}u`);
        }
        return re2.test(s);
      },
    };
  }
}
goRegExp.code = 'require("../go-regexp").goRegExp';
