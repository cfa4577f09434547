/** Entry point of `npm run set-image`; see src/cli/set-image-command.ts. */
import { runCommand } from '../src/cli/command';
import { parseSetImageArgs, runSetImage, SET_IMAGE_USAGE } from '../src/cli/set-image-command';

void runCommand(SET_IMAGE_USAGE, (argv, io) => runSetImage(parseSetImageArgs(argv), io));
