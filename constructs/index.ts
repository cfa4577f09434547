/**
 * The custom constructs specs may name under `custom:` (see src/escape/custom.ts). Register a
 * new one here: its name is the contract between specs and code.
 */
import type { CustomConstructRegistry } from '../src/escape/custom-api';
import { robotsTxt } from './robots-txt';

export const CUSTOM_CONSTRUCTS: CustomConstructRegistry = {
  'robots-txt': robotsTxt,
};
