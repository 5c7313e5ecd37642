#!/usr/bin/env node
// Runs after `npm install`: makes `import ... from 'gradient-dojo'` work in notebooks, and registers
// the project's own tslab kernel under .jupyter/ (no global install, no sudo). Never fails the
// install: a missing Jupyter is reported in one line.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { root, kernelPrefix, findJupyterPython, MISSING_JUPYTER } from './jupyter.mjs';

// 1. node_modules/gradient-dojo -> the project itself. tslab compiles only files under the
//    notebook's folder; a package import is resolved through node_modules like any library.
const link = join(root, 'node_modules', 'gradient-dojo');
mkdirSync(join(root, 'node_modules'), { recursive: true });
let linked = false;
try {
  linked = lstatSync(link).isSymbolicLink() && readlinkSync(link) === '..';
} catch {}
if (!linked) {
  rmSync(link, { recursive: true, force: true });
  symlinkSync('..', link, 'dir');
}

// 2. The tslab kernel, registered under .jupyter/ and pointing at this project's tslab binary.
const python = findJupyterPython();
if (!python) {
  console.log(`gradient-dojo: ${MISSING_JUPYTER}`);
  process.exit(0);
}
const tslab = join(root, 'node_modules', '.bin', 'tslab');
if (!existsSync(tslab)) {
  console.log('gradient-dojo: tslab is missing from node_modules; run `npm install` again.');
  process.exit(0);
}
const r = spawnSync(tslab, ['install', `--python=${python}`, `--binary=${tslab}`, `--prefix=${kernelPrefix}`], {
  encoding: 'utf8',
});
if (r.status !== 0) {
  console.log(`gradient-dojo: registering the tslab kernel failed:\n${r.stdout}${r.stderr}`);
  process.exit(0);
}
console.log(`gradient-dojo: tslab kernel registered in ${kernelPrefix} (Python: ${python})`);
