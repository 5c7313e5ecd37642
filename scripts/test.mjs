#!/usr/bin/env node
// Runs the test suite with Node's built-in runner and the tsx TypeScript loader.
// Usage: node scripts/test.mjs [folder-or-file ...]   (default: everything under test/)
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { formatDuration } from './progress.mjs';

const root = resolve(import.meta.dirname, '..');
const targets = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));

function collect(path, out) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name === 'fixtures' || name === 'node_modules') continue;
      collect(join(path, name), out);
    }
  } else if (path.endsWith('.test.ts')) {
    out.push(path);
  }
  return out;
}

const files = [];
for (const t of targets.length ? targets : ['test']) collect(resolve(root, t), files);
if (files.length === 0) {
  console.error(`No test files (*.test.ts) found under: ${targets.join(', ') || 'test'}`);
  process.exit(1);
}
const count = `${files.length} test file${files.length === 1 ? '' : 's'}`;
// The whole suite took 6-11 minutes on a busy 2-core machine (README.md, "Set up and test").
console.log(`test: ${count}${targets.length ? '' : ', 6-11 minutes on 2 cores'}; each test is printed as it ends`);
const started = Date.now();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...passThrough, ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, GRADIENT_DOJO_TESTING: '1' },
});
console.log(`test: ${count} in ${formatDuration(Date.now() - started)}, exit status ${result.status ?? 'none'}`);
process.exit(result.status ?? 1);
