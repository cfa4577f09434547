/**
 * The escape-hatch section of a system's README page (src/synth/pages.ts): the policy rules the
 * spec waives, each with its reason, and what the escape hatches add or change, so a reviewer
 * sees every exception to the safety rules next to what the system runs.
 */
import type { AppSpec } from '../spec/app-spec.generated';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Markdown lines of the section, or none when the spec uses no escape hatch. */
export function escapeHatchSection(spec: AppSpec): string[] {
  const waivers = spec.waivers ?? [];
  const extra = spec.extraObjects ?? [];
  const patches = spec.patches ?? [];
  const custom = spec.custom ?? [];
  if (waivers.length + extra.length + patches.length + custom.length === 0) return [];
  const lines = ['', '## Escape hatches', ''];
  if (waivers.length > 0) {
    lines.push('Policy rules waived for the objects below (generated objects obey every rule):', '', '| Rule | Reason |', '| --- | --- |');
    for (const w of waivers) lines.push(`| \`${w.rule}\` | ${cell(w.reason)} |`);
    lines.push('');
  }
  lines.push('| Escape hatch | What it does |', '| --- | --- |');
  extra.forEach((o, i) => lines.push(`| \`extraObjects[${i}]\` | adds ${o.kind} ${o.metadata.name} |`));
  patches.forEach((p, i) => lines.push(`| \`patches[${i}]\` | ${p.jsonPatch !== undefined ? 'JSON Patch' : 'strategic merge'} on ${p.target.kind} ${p.target.name} |`));
  custom.forEach((c, i) => lines.push(`| \`custom[${i}]\` | construct ${c.construct} |`));
  return lines;
}
