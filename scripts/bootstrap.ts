/** Entry point of `npm run bootstrap`; see src/cli/bootstrap-command.ts. */
import { BOOTSTRAP_USAGE, BootstrapUsageError, parseBootstrapArgs, runBootstrap } from '../src/cli/bootstrap-command';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(BOOTSTRAP_USAGE);
    return 0;
  }
  try {
    return await runBootstrap(parseBootstrapArgs(argv), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  } catch (e) {
    if (e instanceof BootstrapUsageError) {
      process.stderr.write(`error: ${e.message}\n\n${BOOTSTRAP_USAGE}`);
      return 2;
    }
    throw e;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
