// Runs the checks of one chapter against a learner module, in a worker thread so that the grader can
// stop learner code that never returns. Messages out: {type:'start', name} before each check,
// {type:'result', result} after it, {type:'load-error', message} when the module cannot be loaded.
const { parentPort, workerData } = require('node:worker_threads');
require('tsx/cjs/api').register();
const { runCheck, findExercise } = require('./index.ts');

const { file, names, seed } = workerData;
let mod = null;
try {
  mod = require(file);
} catch (e) {
  parentPort.postMessage({ type: 'load-error', message: e && e.message ? e.message.split('\n').slice(0, 6).join('\n') : String(e) });
}
if (mod) {
  for (const name of names) {
    parentPort.postMessage({ type: 'start', name });
    const ex = findExercise(name);
    const result = runCheck(ex, mod[name], { seed });
    parentPort.postMessage({ type: 'result', result: { ...result } });
  }
}
parentPort.postMessage({ type: 'done' });
