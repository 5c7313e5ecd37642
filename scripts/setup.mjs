#!/usr/bin/env node
// Runs after `npm install`: makes `import ... from 'gradient-dojo'` work in notebooks, and registers
// the project's own tslab kernel under .jupyter/ (no global install, no sudo). Never fails the
// install: a missing Jupyter is reported in one line.
//
// `npm run setup-kernel -- --user` (node scripts/setup.mjs --user) also registers the kernel for your
// user, in Jupyter's user data folder (`jupyter --data-dir`, honouring JUPYTER_DATA_DIR), where a plain
// `jupyter notebook`, JupyterLab and VS Code find it without `npm start`.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { root, kernelPrefix, findJupyterPython, MISSING_JUPYTER } from './jupyter.mjs';

const user = process.argv.includes('--user');
const unknown = process.argv.slice(2).filter((a) => a !== '--user');
if (unknown.length > 0) {
  console.error(`gradient-dojo: unknown option ${unknown.join(' ')}; the only option is --user (register the kernel for your user too)`);
  process.exit(1);
}

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

// 2. Which TensorFlow.js backend the library will use, said once here: @tensorflow/tfjs-node is an
//    optional dependency, and npm says nothing when it fails to install. One line, on stderr.
const notice = spawnSync(
  process.execPath,
  ['--import', 'tsx', '-e', "const nn = require('./lib/nn'); nn.ready().then(() => console.log(nn.backendNotice()))"],
  { cwd: root, encoding: 'utf8' },
);
if (notice.status === 0) process.stderr.write(notice.stdout);
else console.error(`gradient-dojo: TensorFlow.js could not start a backend:\n${notice.stderr.trim()}`);

// 3. The tslab kernel, registered under .jupyter/ and pointing at this project's tslab binary.
const python = findJupyterPython();
if (!python) {
  console.log(`gradient-dojo: ${MISSING_JUPYTER}`);
  process.exit(user ? 1 : 0); // never fails `npm install`; an explicit --user request does fail
}
const tslab = join(root, 'node_modules', '.bin', 'tslab');
if (!existsSync(tslab)) {
  console.log('gradient-dojo: tslab is missing from node_modules; run `npm install` again.');
  process.exit(user ? 1 : 0);
}

/** Registers the kernel with `where` (tslab install's --prefix=... or --user); false (and a message) on failure. */
function register(where) {
  const r = spawnSync(tslab, ['install', `--python=${python}`, `--binary=${tslab}`, where], { encoding: 'utf8' });
  if (r.status !== 0) console.log(`gradient-dojo: registering the tslab kernel (${where}) failed:\n${r.stdout}${r.stderr}`);
  return r.status === 0;
}

if (!register(`--prefix=${kernelPrefix}`)) process.exit(user ? 1 : 0);
console.log(`gradient-dojo: tslab kernel registered in ${kernelPrefix} (Python: ${python})`);
if (user) {
  // 4. The same kernel for this user, in Jupyter's user data folder (jupyter_data_dir()).
  if (!register('--user')) process.exit(1);
  const dataDir = spawnSync(python, ['-c', 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())'], {
    encoding: 'utf8',
  }).stdout.trim();
  console.log(
    `gradient-dojo: tslab kernel registered for your user in ${join(dataDir, 'kernels', 'tslab')}: plain \`jupyter notebook\`, ` +
      "JupyterLab and VS Code list it as 'TypeScript'. It runs this checkout's tslab; to remove it, delete that folder.",
  );
}
