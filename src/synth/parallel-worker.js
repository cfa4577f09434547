'use strict';
// Entry of a synthesis worker thread (started by parallel.ts). Plain JavaScript so that it
// starts without a loader: it registers tsx's CommonJS hook (transpile only, no type check),
// then runs the worker body from the TypeScript module.
require('tsx/cjs/api').register();
require('./parallel.ts').runWorker();
