// Runs the checks of one chapter against a learner module, in a worker thread so that the grader can
// stop learner code that never returns. Messages out: {type:'start', name} before each check,
// {type:'result', result} after it, {type:'load-error', message} when the module cannot be loaded.
const { parentPort: port, workerData } = require('node:worker_threads');
if (!port) throw new Error('lib/grading/worker.cjs runs only as a worker thread (see runner.ts)');
const parentPort = port;
require('tsx/cjs/api').register();
const { runCheck, findExercise } = require('./index.ts');

const { file, names, seed } = workerData;
let mod = null;
try {
  mod = require(file);
} catch (e) {
  const message = e instanceof Error ? e.message.split('\n').slice(0, 6).join('\n') : String(e);
  parentPort.postMessage({ type: 'load-error', message });
}
if (mod) {
  for (const name of names) {
    parentPort.postMessage({ type: 'start', name });
    const ex = findExercise(name);
    if (!ex) throw new Error(`grading worker: no exercise is called '${name}'`);
    const result = runCheck(ex, mod[name], { seed });
    parentPort.postMessage({ type: 'result', result: { ...result } });
  }
}
parentPort.postMessage({ type: 'done' });
