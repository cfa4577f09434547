/** Types of scripts/folder-state.js, which runs as plain JavaScript (its worker thread runs the file itself). */
import type { MessagePort, Worker } from 'node:worker_threads';

/** The state of a folder: a digest of its files' names, sizes, mtimes and inodes, and how many there are. */
export interface FolderState {
  readonly digest: string;
  readonly files: number;
}

/** What a worker is started on. */
export interface FolderStateData {
  readonly cacheFile: string;
  readonly outDir: string;
}

/** A started worker: what it was started on, and the main thread's ends of its port and control array. */
export interface FolderStateWorker {
  readonly data: FolderStateData;
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly control: Int32Array;
}

/** What the worker posts first: the folders it lists, which both threads take from by index. */
export interface FolderStateListed {
  readonly folders: readonly string[];
}

/** What the worker posts last: the cache file's version it read, and the state of each folder it took (null: it failed). */
export interface FolderStateAnswer {
  readonly answer: { readonly cacheVersion: string; readonly states: Array<[string, FolderState | undefined]> } | null;
}

export const DONE: number;
export const NEXT: number;
export const LISTED: number;
export const PRESTARTED: unique symbol;
export const HINT_ENV: string;
export function folderState(outDir: string, folder: string): FolderState | undefined;
export function outputFolders(outDir: string): string[];
export function fileVersion(path: string): string | undefined;
export function start(data: FolderStateData): FolderStateWorker;
export function hintFile(dir: string, cwd: string, argv: readonly string[], outdirEnv: string | undefined): string;
export function leaveHint(file: string, data: FolderStateData): void;
export function prestart(file: string): void;
