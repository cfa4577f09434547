/** Entry point of `npm run diff`; see src/cli/diff-command.ts. */
import { runCommand } from '../src/cli/command';
import { DIFF_USAGE, parseDiffArgs, runDiff } from '../src/cli/diff-command';

void runCommand(DIFF_USAGE, (argv, io) => runDiff(parseDiffArgs(argv), io));
