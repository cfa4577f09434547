/**
 * The policy gate: synth runs every rule of src/policy/rules.ts (and, for a system folder, the
 * flow check of src/policy/flows.ts) over each folder it is about to write, and refuses the
 * whole run when one object breaks a rule. Objects reach dist/ by several paths (the charts,
 * escape hatches, custom constructs); the gate sits after all of them, so none is unchecked.
 */
import type { SystemContext } from '../model/context';
import type { Manifest } from '../model/manifest';
import { SpecError } from '../spec/errors';
import { checkFlows } from './flows';
import type { Doc, Folder, K8sObject } from './objects';
import { RULES } from './rules';

/** Id of the flow check, as waivers and messages name it. */
export const FLOW_RULE = { id: 'network-flows', title: 'each allowed flow is needed and no other flow is open' } as const;

/** One broken rule: its id and title, and the violation (`<file> (<Kind>/<name>): <what>`). */
export interface PolicyViolation {
  readonly rule: string;
  readonly title: string;
  readonly violation: string;
}

/** Every rule id the gate knows, the flow check included. */
export function policyRuleIds(): string[] {
  return [...RULES.map((r) => r.id), FLOW_RULE.id];
}

/** A folder of objects about to be written, each with its path relative to dist/. */
export function folderOf(path: string, objects: ReadonlyArray<{ readonly file: string; readonly manifest: Manifest }>): Folder {
  return { path, docs: objects.map((o): Doc => ({ file: o.file, obj: o.manifest as unknown as K8sObject })) };
}

/**
 * Every violation in one folder. `ctx` is given for a system's folder, whose NetworkPolicies
 * are also checked against the flows its spec asks for.
 */
export function policyViolations(folder: Folder, ctx?: SystemContext): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  for (const rule of RULES) for (const violation of rule.check(folder)) out.push({ rule: rule.id, title: rule.title, violation });
  if (ctx !== undefined) {
    const policies = folder.docs.filter((d) => d.obj.kind === 'NetworkPolicy');
    for (const violation of checkFlows(ctx, policies)) out.push({ rule: FLOW_RULE.id, title: FLOW_RULE.title, violation });
  }
  return out;
}

/**
 * A violation as a spec error: the spec file that produced the folder, the object (its file in
 * dist/ and Kind/name) and what is wrong, with the rule's id and title.
 */
export function violationError(specFile: string, v: PolicyViolation): SpecError {
  const split = v.violation.indexOf(': ');
  const where = split < 0 ? '' : v.violation.slice(0, split);
  const what = split < 0 ? v.violation : v.violation.slice(split + 2);
  return new SpecError(specFile, where, `${what} (breaks policy rule ${v.rule}: ${v.title})`);
}

/** A rule the spec lets escape-hatch objects break, with the reason (spec field `waivers`). */
export interface Waiver {
  readonly rule: string;
  readonly reason: string;
}

/** How the gate treats objects that escape hatches added or changed. */
export interface EscapeHatchPolicy {
  /** dist/ file of each object an escape hatch added or changed, to the spec field that did it. */
  readonly origins: ReadonlyMap<string, string>;
  /**
   * Rules those objects may break.
   * @default - none
   */
  readonly waivers?: readonly Waiver[];
  /**
   * Where the waivers are in the spec (`waivers` or `environments.<env>.waivers`).
   * @default 'waivers'
   */
  readonly waiversField?: string;
}

/** The dist/ file a violation is about: the path it starts with. */
function violationFile(violation: string): string {
  return /^(\S+?\.yaml)\b/.exec(violation)?.[1] ?? '';
}

/**
 * Runs the gate over one folder and adds an error per violation to `errors`. A violation in an
 * object an escape hatch made is reported at that spec field, unless the spec waives the rule;
 * generated objects are never waived.
 */
export function enforcePolicy(folder: Folder, specFile: string, errors: SpecError[], ctx?: SystemContext, hatches?: EscapeHatchPolicy): void {
  const waivers = hatches?.waivers ?? [];
  const known = new Set(policyRuleIds());
  waivers.forEach((w, i) => {
    if (!known.has(w.rule)) {
      errors.push(new SpecError(specFile, `${hatches?.waiversField ?? 'waivers'}[${i}].rule`, `is ${JSON.stringify(w.rule)}, which is not a policy rule; rules: ${[...known].sort().join(', ')}`));
    }
  });
  for (const v of policyViolations(folder, ctx)) {
    const origin = hatches?.origins.get(violationFile(v.violation));
    if (origin === undefined) {
      errors.push(violationError(specFile, v));
      continue;
    }
    if (waivers.some((w) => w.rule === v.rule)) continue;
    errors.push(
      new SpecError(
        specFile,
        origin,
        `makes ${v.violation}, which breaks policy rule ${v.rule} (${v.title}); change ${origin}, or waive the rule with a reason under ${hatches?.waiversField ?? 'waivers'} if it must break it`,
      ),
    );
  }
}
