// Preloaded into the tslab kernel by the notebook runners (scripts/run_notebook.py, scripts/render.mjs) through
// NODE_OPTIONS="--require .../kernel-guard.cjs", with GRADIENT_DOJO_UNCAUGHT_LOG naming a file.
//
// tslab catches an exception thrown where no cell awaits it (a timer's callback, a promise nobody awaits) and only
// prints it, on the stderr of the cell that last ran. When that cell has already finished, the Jupyter client no
// longer listens to it and the message is lost: the run stays green. This guard appends each such exception, with
// the time it happened, to the log file (one JSON object a line), so that the runner can fail the notebook and name
// the cell it happened during or after. It changes nothing else: tslab's own handlers still print the message.
//
// It acts only in the main thread of a tslab kernel process and only when the log variable is set; any other Node
// process that inherits NODE_OPTIONS (a worker thread, a child process a notebook starts) is left alone, since
// listening for these events there would change how that process fails.
'use strict';
const { isMainThread } = require('node:worker_threads');

/**
 * True for an error raised inside the kernel's own messaging, not by any notebook code: every frame of its
 * stack is in tslab or zeromq (or Node's internals). tslab's heartbeat loop sends on a socket that the
 * kernel's shutdown may close first, and the rejection it leaves ('Error: Socket is closed' at
 * tslab/dist/jupyter.js) is a race at exit that says nothing about the notebook.
 */
function fromKernelMachinery(e) {
  if (!(e instanceof Error) || typeof e.stack !== 'string') return false;
  const frames = e.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return (
    frames.length > 0 &&
    frames.every(
      (f) => /[\\/]node_modules[\\/](tslab|zeromq)[\\/]/.test(f) || /\(?node:internal[\\/]/.test(f) || /^\s+at (async )?Promise\./.test(f),
    )
  );
}
module.exports = { fromKernelMachinery };

const logFile = process.env.GRADIENT_DOJO_UNCAUGHT_LOG;
const isKernel = /tslab/.test(process.argv[1] ?? '') && process.argv.includes('kernel');
if (logFile && isKernel && isMainThread) {
  const { appendFileSync } = require('node:fs');
  const describe = (e) => {
    if (e instanceof Error) return (e.stack ?? `${e.name}: ${e.message}`).split('\n').slice(0, 6).join('\n');
    try {
      return `${String(e)} (${JSON.stringify(e)})`;
    } catch {
      return String(e);
    }
  };
  const record = (kind) => (e) => {
    if (fromKernelMachinery(e)) return;
    try {
      appendFileSync(logFile, `${JSON.stringify({ at: Date.now(), kind, message: describe(e) })}\n`);
    } catch {
      // The log is a diagnostic: failing to write it must not take the kernel down.
    }
  };
  // The monitor event sees an uncaught exception without handling it (tslab's listener does that).
  process.on('uncaughtExceptionMonitor', record('UncaughtException'));
  // tslab already listens for unhandled rejections, so one more listener changes nothing.
  process.on('unhandledRejection', record('UnhandledPromiseRejection'));
}
