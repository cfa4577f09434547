/**
 * A one-line progress reporter for long commands. On an interactive terminal (stderr is a TTY
 * and CI is not set) it rewrites a single status line with \r and clears it when done; in CI,
 * pipes and tests it prints nothing, so logs hold only results.
 */

/** Environment variables as an entry script read them (process.env); commands never read process.env themselves. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface Progress {
  /** Shows what the command is doing now, e.g. `synthesizing 3/12 magnetiq/production`. */
  update(status: string): void;
  /** Clears the status line; call before printing results. */
  done(): void;
}

/** Whether a stream is a terminal a person watches, rather than a log (CI, a pipe, a file). */
export function isInteractive(stream: { readonly isTTY?: boolean }, env: Environment): boolean {
  return stream.isTTY === true && (env.CI === undefined || env.CI === '' || env.CI === 'false');
}

/** A progress reporter on `stream` (stderr by default, so stdout stays parseable). */
export function createProgress(
  stream: { readonly isTTY?: boolean; readonly columns?: number; write(s: string): unknown },
  env: Environment,
): Progress {
  if (!isInteractive(stream, env)) return { update: () => undefined, done: () => undefined };
  let shown = false;
  return {
    update(status) {
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      // \x1b[K clears what a longer previous status left on the line.
      stream.write(`\r${status.length > width ? `${status.slice(0, width - 1)}…` : status}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
