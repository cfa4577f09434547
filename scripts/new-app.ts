/** Entry point of `npm run new-app`; see src/cli/new-app-command.ts. */
import { runCommand } from '../src/cli/command';
import { NEW_APP_USAGE, parseNewAppArgs, runNewApp } from '../src/cli/new-app-command';

void runCommand(NEW_APP_USAGE, (argv, io) => runNewApp(parseNewAppArgs(argv), io));
