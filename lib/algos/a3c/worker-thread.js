// Entry point of an asynchronous A3C worker thread: worker threads start plain JavaScript, so this
// registers the TypeScript loader and then runs the worker written in TypeScript.
require('tsx/cjs/api').register();
require('./a3c_worker.ts');
