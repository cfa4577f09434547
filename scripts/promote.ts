/** Entry point of `npm run promote`; see src/cli/promote-command.ts. */
import { runCommand } from '../src/cli/command';
import { parsePromoteArgs, PROMOTE_USAGE, runPromote } from '../src/cli/promote-command';

void runCommand(PROMOTE_USAGE, (argv, io) => runPromote(parsePromoteArgs(argv), io));
