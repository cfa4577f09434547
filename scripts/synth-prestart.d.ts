/** Types of scripts/synth-prestart.js, which the launcher runs as plain JavaScript. */
import type { MessagePort, Worker } from 'node:worker_threads';

/** What the launcher hands the bundle under PRESTARTED. */
export interface Prestarted {
  /** The hint's data, as the worker received it (without its port and control array). */
  readonly data: unknown;
  readonly worker: Worker;
  /** The other end of the worker's port. */
  readonly port: MessagePort;
  /** The shared array the worker received as `control` (CONTROL_SLOTS slots). */
  readonly control: Int32Array;
}

export const PRESTARTED: unique symbol;
export const HINT_ENV: string;
export const CONTROL_SLOTS: number;
export function hintFile(dir: string, cwd: string, argv: readonly string[], outdirEnv: string | undefined): string;
export function prestart(file: string): void;
