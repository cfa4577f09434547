/** A small sample of random command lines and broken specs: none ends in a stack trace (see test/support/no-stack-fuzz.ts). */
import { defineNoStackTraceFuzz } from './support/no-stack-fuzz';

defineNoStackTraceFuzz(60, 25);
