// Finding Jupyter and the project's tslab kernel. Shared by setup, start, render and the tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');
export const kernelPrefix = join(root, '.jupyter');
export const jupyterPath = join(kernelPrefix, 'share', 'jupyter');

export const MISSING_JUPYTER =
  'Jupyter is not installed: run `sudo apt-get install jupyter-notebook jupyter-nbconvert` ' +
  '(Debian/Ubuntu) or `pip install notebook nbconvert`, then `npm run setup-kernel`.';

/** A Python interpreter that can import jupyter_client and nbconvert, or null. */
export function findJupyterPython() {
  const candidates = /** @type {string[]} */ ([process.env.JUPYTER_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter(Boolean));
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import jupyter_client, nbconvert, notebook'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

/** Environment for running Jupyter with the project's kernel visible. */
export function jupyterEnv(extra = {}) {
  const prev = process.env.JUPYTER_PATH;
  return { ...process.env, JUPYTER_PATH: prev ? `${jupyterPath}:${prev}` : jupyterPath, ...extra };
}

export function kernelInstalled() {
  return existsSync(join(jupyterPath, 'kernels', 'tslab', 'kernel.json'));
}
