/**
 * Entry point of `npm run synth` and `cdk8s synth`: read the specs, synthesize, write dist/.
 * See src/cli/synth-command.ts for the options and exit codes.
 */
import { runCommand } from './src/cli/command';
import { parseSynthArgs, runSynth, USAGE } from './src/cli/synth-command';
import { isSynthWorker, runWorker } from './src/synth/parallel';

// npm run synth's worker threads start from the same bundle as the command (see src/synth/parallel.ts).
if (isSynthWorker()) runWorker();
else void runCommand(USAGE, (argv, io) => runSynth(parseSynthArgs(argv, io.env), io.out, io.err, io.progress));
