/** Entry point of `npm run seal`; see src/cli/seal-command.ts. */
import { readFileSync } from 'node:fs';
import { runCommand } from '../src/cli/command';
import { parseSealArgs, runSeal, SEAL_USAGE } from '../src/cli/seal-command';

void runCommand(SEAL_USAGE, (argv, io) => runSeal(parseSealArgs(argv), io, { stdin: () => readFileSync(0), env: io.env, now: new Date() }));
