#!/usr/bin/env node
// Runs the test suite with Node's built-in runner and the tsx TypeScript loader.
// Usage: node scripts/test.mjs [folder-or-file ...]   (default: everything under test/)
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

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
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...passThrough, ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, GRADIENT_DOJO_TESTING: '1' },
});
process.exit(result.status ?? 1);
