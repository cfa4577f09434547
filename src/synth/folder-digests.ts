/**
 * The folder states of an output folder, taken on a worker thread while the main thread does the
 * rest of an incremental run, which joins in once it is free (see scripts/folder-state.js, which
 * the worker runs, and which scripts/synth.js may start before the bundle loads). The main
 * thread takes the states itself when the worker failed or the cache changed in between.
 */
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { receiveMessageOnPort } from 'node:worker_threads';
import type * as FolderStateModule from '../../scripts/folder-state';
import type { FolderState, FolderStateAnswer, FolderStateData, FolderStateListed, FolderStateWorker } from '../../scripts/folder-state';

export type { FolderState };

/**
 * scripts/folder-state.js, loaded from the repository at run time, not bundled: its worker runs
 * the file itself. The repository is two levels up both from src/synth/ and from the bundle's
 * folder, .cache/synth/ (as src/cli/synth-incremental.ts finds it).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const folderStates = require(resolve(__dirname, '..', '..', 'scripts', 'folder-state.js')) as typeof FolderStateModule;

/** The environment variable in which scripts/synth.js names the hint of this run (see FolderDigests.start). */
export const PRESTART_HINT_ENV = folderStates.HINT_ENV;

/** The state of one folder, and the version of a file (see scripts/folder-state.js), taken on this thread. */
export const { folderState, fileVersion } = folderStates;

/** How long take() waits for the worker before taking the digests on the main thread. */
const WAIT_MS = 60_000;

/** The worker the launcher started for this run, if any; taken once. */
function takePrestarted(): FolderStateWorker | undefined {
  const global = globalThis as { [key: symbol]: FolderStateWorker | undefined };
  const pre = global[folderStates.PRESTARTED];
  delete global[folderStates.PRESTARTED];
  return pre;
}

/** Ends a worker this run has no use for. */
function end(w: FolderStateWorker | undefined): void {
  if (w === undefined) return;
  w.port.close();
  void w.worker.terminate().catch(() => undefined);
}

/**
 * Folder states being taken on a worker thread, which the main thread joins in take() (see
 * the file comment).
 */
export class FolderDigests {
  private constructor(private readonly running: FolderStateWorker) {}

  /**
   * Starts taking the state of every <env>/<folder> folder of outDir, or adopts the worker the
   * launcher started for just that; `cacheFile` is the cache that describes it.
   * @param hint where to leave the hint for the next run with the same arguments
   * @default hint - none: the next run starts its worker when it gets here
   */
  static start(cacheFile: string, outDir: string, hint?: string): FolderDigests {
    const data: FolderStateData = { cacheFile, outDir };
    const pre = takePrestarted();
    let running: FolderStateWorker;
    if (pre !== undefined && isDeepStrictEqual(pre.data, data)) running = pre;
    else {
      end(pre);
      running = folderStates.start(data);
    }
    if (hint !== undefined) folderStates.leaveHint(hint, data);
    return new FolderDigests(running);
  }

  /** Ends the worker the launcher started, when this run takes no folder states. */
  static discard(): void {
    end(takePrestarted());
  }

  /**
   * The states by folder: the main thread takes the folders the worker has not, then waits for
   * the worker's. Undefined when the worker failed or read another version of the cache file
   * than `cacheVersion` (the caller then takes them itself).
   */
  take(cacheVersion: string | undefined): ReadonlyMap<string, FolderState | undefined> | undefined {
    const { port, control, data } = this.running;
    try {
      Atomics.wait(control, folderStates.LISTED, 0, WAIT_MS);
      const listed = receiveMessageOnPort(port)?.message as Partial<FolderStateListed> | undefined;
      if (!Array.isArray(listed?.folders)) return undefined;
      const folders = listed.folders;
      const states = new Map<string, FolderState | undefined>();
      for (let i = Atomics.add(control, folderStates.NEXT, 1); i < folders.length; i = Atomics.add(control, folderStates.NEXT, 1)) {
        states.set(folders[i], folderStates.folderState(data.outDir, folders[i]));
      }
      Atomics.wait(control, folderStates.DONE, 0, WAIT_MS);
      const answer = (receiveMessageOnPort(port)?.message as FolderStateAnswer | undefined)?.answer;
      if (answer === null || answer === undefined || answer.cacheVersion !== cacheVersion) return undefined;
      for (const [folder, state] of answer.states) states.set(folder, state);
      return states;
    } finally {
      this.close();
    }
  }

  close(): void {
    end(this.running);
  }
}
