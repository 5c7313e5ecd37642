// An exception thrown where no cell awaits it (a timer's callback, a rejected promise nobody awaits)
// leaves tslab's cell status "ok", and one thrown after its cell has finished is printed where nobody
// listens; the notebook runner must still fail the run and name the cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { executeNotebook, findJupyterPython } from './nbexec';
import { needResource } from '../helpers';

test('a notebook whose timer throws, or whose promise is rejected unawaited, fails with the message', (t) => {
  const python = needResource(t, findJupyterPython(), 'Jupyter (apt-get install jupyter-notebook jupyter-nbconvert)');
  if (!python) return;
  const out = mkdtempSync(join(tmpdir(), 'dojo-uncaught-'));
  try {
    const run = executeNotebook(python, resolve(__dirname, '..', 'fixtures', 'notebooks', 'uncaught-timer.ipynb'), out);
    assert.equal(run.ok, false, 'the run must fail');
    assert.equal(run.errors.length, 2, run.errors.join('\n'));
    assert.match(run.errors[0], /cell 1: .*UncaughtException: Error: boom from a timer/s);
    assert.match(run.errors[1], /cell 2: .*UnhandledPromiseRejection: Error: unhandled boom/s);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a timer that throws after its cell has finished (the kernel idle, after the last cell) fails the run too', (t) => {
  const python = needResource(t, findJupyterPython(), 'Jupyter (apt-get install jupyter-notebook jupyter-nbconvert)');
  if (!python) return;
  const out = mkdtempSync(join(tmpdir(), 'dojo-uncaught-'));
  try {
    const run = executeNotebook(python, resolve(__dirname, '..', 'fixtures', 'notebooks', 'uncaught-idle.ipynb'), out);
    assert.equal(run.ok, false, 'the run must fail');
    assert.equal(run.errors.length, 1, run.errors.join('\n'));
    assert.match(run.errors[0], /cell 1: .*UncaughtException: Error: boom after the cell finished/s);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("the kernel guard ignores the kernel's own shutdown race (tslab's heartbeat on a closed socket), not a notebook's error", () => {
  const { fromKernelMachinery } = require('../../scripts/kernel-guard.cjs') as { fromKernelMachinery: (e: unknown) => boolean };
  const stackOf = (message: string, frames: string[]) => {
    const e = new Error(message);
    e.stack = [`Error: ${message}`, ...frames.map((f) => `    at ${f}`)].join('\n');
    return e;
  };
  // seen in a book render: the heartbeat loop's send after the kernel closed its sockets
  assert.equal(fromKernelMachinery(stackOf('Socket is closed', ['/work/main/node_modules/tslab/dist/jupyter.js:510:33'])), true);
  assert.equal(
    fromKernelMachinery(
      stackOf('Socket is closed', [
        'Socket.send (/p/node_modules/zeromq/lib/index.js:1:1)',
        'process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      ]),
    ),
    true,
  );
  // a notebook's own errors are always recorded
  assert.equal(
    fromKernelMachinery(
      stackOf('boom', ['Timeout._onTimeout (/tmp/nb/01_reinforce.ts:3:9)', 'listOnTimeout (node:internal/timers:581:17)']),
    ),
    false,
  );
  assert.equal(
    fromKernelMachinery(stackOf('boom', ['/tmp/nb/01_reinforce.ts:3:9', '/work/main/node_modules/tslab/dist/executor.js:10:1'])),
    false,
  );
  assert.equal(fromKernelMachinery(stackOf('no frames', [])), false);
  assert.equal(fromKernelMachinery('a thrown string'), false);
});
