#!/usr/bin/env node
// `npm start`: opens Jupyter on notebooks/ with the project's tslab kernel.
// The library is compiled on the fly when a notebook imports it, so an edit in lib/ is live after a
// kernel restart; no build step is needed.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root, findJupyterPython, jupyterEnv, kernelInstalled, MISSING_JUPYTER } from './jupyter.mjs';

const python = findJupyterPython();
if (!python) {
  console.error(`gradient-dojo: ${MISSING_JUPYTER}`);
  process.exit(1);
}
if (!kernelInstalled()) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { stdio: 'inherit' });
  if (r.status !== 0 || !kernelInstalled()) {
    console.error('gradient-dojo: the tslab kernel could not be registered; run `npm run setup-kernel` to see why.');
    process.exit(1);
  }
}
const extra = process.argv.slice(2);
// Jupyter refuses to run as root unless told; containers often run as root.
if (process.getuid?.() === 0 && !extra.includes('--allow-root')) extra.push('--allow-root');
const child = spawn(python, ['-m', 'notebook', `--notebook-dir=${join(root, 'notebooks')}`, ...extra], {
  stdio: 'inherit',
  env: jupyterEnv(),
});
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
