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

/** Runs the gate over one folder and adds an error per violation to `errors`. */
export function enforcePolicy(folder: Folder, specFile: string, errors: SpecError[], ctx?: SystemContext): void {
  for (const v of policyViolations(folder, ctx)) errors.push(violationError(specFile, v));
}
