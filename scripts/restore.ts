/** Entry point of `npm run restore`; see src/cli/restore-command.ts. */
import { runCommand } from '../src/cli/command';
import { parseRestoreArgs, RESTORE_USAGE, runRestore } from '../src/cli/restore-command';

void runCommand(RESTORE_USAGE, (argv, io) => runRestore(parseRestoreArgs(argv), io));
