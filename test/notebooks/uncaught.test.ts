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
