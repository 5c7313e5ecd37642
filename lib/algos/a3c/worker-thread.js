// Entry point of an asynchronous A3C worker thread: worker threads start plain JavaScript, so this
// registers the TypeScript loader and then runs the worker loop written in TypeScript (worker.ts).
require('tsx/cjs/api').register();
require('./worker.ts').runWorkerThread();
