/** Entry point of `npm run bootstrap`; see src/cli/bootstrap-command.ts. */
import { BOOTSTRAP_USAGE, parseBootstrapArgs, runBootstrap } from '../src/cli/bootstrap-command';
import { runCommand } from '../src/cli/command';

void runCommand(BOOTSTRAP_USAGE, (argv, io) => runBootstrap(parseBootstrapArgs(argv), io.out, io.err, io.env));
