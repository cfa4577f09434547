/**
 * Entry point of `npm run synth` and `cdk8s synth`: read the specs, synthesize, write dist/.
 * See src/cli/synth-command.ts for the options and exit codes.
 */
import { parseSynthArgs, runSynth, UsageError, USAGE } from './src/cli/synth-command';

function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    return runSynth(parseSynthArgs(argv), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
