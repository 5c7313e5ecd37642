// Worker threads start without the TypeScript loader of the main thread: register tsx, then load the
// worker written in TypeScript.
require('tsx/cjs/api').register();
require('./pool-worker.ts');
