/** Kubernetes quantities as numbers, to compare requests with limits. */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Bytes of a size such as 512Mi (the schema admits only binary units). */
export function bytes(size: string): number {
  const m = /^([0-9]+)(Ki|Mi|Gi|Ti)$/.exec(size);
  if (!m) throw new Error(`not a size: ${size}`);
  return Number(m[1]) * BINARY[m[2]];
}

/** Millicores of a CPU quantity such as 250m or 0.5. */
export function millicores(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Math.round(Number(cpu) * 1000);
}
