// The learner's side of grading one chapter, in a worker thread (so that the grader can stop learner
// code that never returns). It loads the learner's module and runs each exercise's function on the
// cases of the seed, and sends back only what the functions returned, as plain data: the references
// are computed and the outputs judged in the main thread (runner.ts), where the learner's code never
// runs. Messages out: {type:'start', name} before each exercise, {type:'outputs', name, outputs} after
// it, {type:'refused', name, message} for a solution the grader will not judge, {type:'load-error',
// message} when the module cannot be loaded, {type:'done'}.
const { workerData } = require('node:worker_threads');
if (!workerData?.port) throw new Error('lib/grading/worker.cjs runs only as a worker thread (see runner.ts)');
// The grader listens only on this private channel, never on parentPort. It is taken out of workerData
// and its postMessage bound before the learner's module runs, so the learner's code can neither reach
// the channel nor change what is sent through it (e.g. by replacing MessagePort.prototype.postMessage).
const channel = workerData.port;
delete workerData.port;
const post = channel.postMessage.bind(channel);
const { readFileSync } = require('node:fs');
require('tsx/cjs/api').register();
const { learnerOutputs, findExercise } = require('./index.ts');
// The library's layers, loaded when first needed (after the learner's module, which usually loads them anyway).
let library = null;
function layers() {
  library ??= {
    algos: require('../algos/index.ts'),
    nn: require('../nn/index.ts'),
    viz: require('../viz/index.ts'),
    envs: require('../envs/index.ts'),
    runs: require('../runs/index.ts'),
  };
  return library;
}

const { file, names, seed } = workerData;

/** An import of the grader (its references) in the learner's source, or null. */
function gradingImport(source) {
  const m =
    /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(['"`])([^'"`]*grading[^'"`]*)\1/.exec(source) || /\bdojo\.grading\b/.exec(source);
  return m ? (m[2] ?? m[0]) : null;
}

/** The library's own function of this name, when `fn` is that very function. */
function libraryOwn(name, fn, ex) {
  const lib = layers();
  for (const layer of Object.keys(lib)) {
    if (lib[layer][name] === fn) return `the library's own dojo.${layer}.${name}`;
  }
  if (fn === ex.reference) return `the grader's reference for ${name}`;
  return null;
}

let source = '';
try {
  source = readFileSync(file, 'utf8');
} catch (e) {
  post({ type: 'load-error', message: e instanceof Error ? e.message : String(e) });
}
const imported = gradingImport(source);
let mod = null;
if (imported) {
  post({
    type: 'load-error',
    message: `it imports the grader (${imported}). A solution may not use the grader or its references: remove that import.`,
  });
} else if (source) {
  try {
    mod = require(file);
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n').slice(0, 6).join('\n') : String(e);
    post({ type: 'load-error', message });
  }
}
if (mod) {
  for (const name of names) {
    post({ type: 'start', name });
    const ex = findExercise(name);
    if (!ex) throw new Error(`grading worker: no exercise is called '${name}'`);
    const own = typeof mod[name] === 'function' ? libraryOwn(name, mod[name], ex) : null;
    if (own) {
      post({
        type: 'refused',
        name,
        message: `✗ ${name}: this is ${own}, not yours. Write ${name} yourself (the library's is what it is checked against).`,
      });
      continue;
    }
    post({ type: 'outputs', name, outputs: learnerOutputs(ex, mod[name], seed) });
  }
}
post({ type: 'done' });
