#!/usr/bin/env node
// Typechecks the whole repository: `npm run typecheck` (and test/tooling/typecheck.test.ts, so `npm test`).
//   tsconfig.json           lib/, test/, bench/, scripts/*.ts, exercises/, solutions/ (CommonJS, as Node runs them)
//   tsconfig.chapters.json  chapters/ (notebook cells: top-level await, `import ... from 'gradient-dojo'`), checked
//                           twice: with the project's TypeScript and with the notebook kernel's own (tslab's)
//   tsconfig.js.json        the JavaScript entry points: bin/, scripts/*.mjs, lib/'s worker bootstraps
// The compilers run side by side (one after the other inside `npm test`, which already runs test files in
// parallel: scripts/test.mjs sets GRADIENT_DOJO_TESTING). Each error is printed once (lib/ is part of every
// project), with the projects that report it; the exit status is 1 when there is any.
// The compiler is named by path: node_modules/.bin/tsc is tslab's older TypeScript, not the project's.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const projectTsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const tslabTsc = join(root, 'node_modules', '@tslab', 'typescript-for-tslab', 'bin', 'tsc');

const checks = [
  { name: 'tsconfig.json', tsc: projectTsc },
  { name: 'tsconfig.chapters.json', tsc: projectTsc },
  { name: 'tsconfig.js.json', tsc: projectTsc },
  { name: "tsconfig.chapters.json (tslab's TypeScript)", project: 'tsconfig.chapters.json', tsc: tslabTsc },
].filter((c) => c.tsc === projectTsc || existsSync(c.tsc));

/** @returns {Promise<{ code: number, output: string }>} */
function run(tsc, project) {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [tsc, '--noEmit', '--pretty', 'false', '-p', project],
      { cwd: root, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code) || 1 : 0, output: `${stdout}${stderr}` }),
    );
  });
}

const parallel = process.env.GRADIENT_DOJO_TESTING ? 1 : Math.max(1, availableParallelism());
const results = new Array(checks.length);
let nextCheck = 0;
async function lane() {
  while (nextCheck < checks.length) {
    const i = nextCheck++;
    results[i] = await run(checks[i].tsc, checks[i].project ?? checks[i].name);
  }
}
await Promise.all(Array.from({ length: Math.min(parallel, checks.length) }, lane));

/** An error's text (its first line and the indented lines under it) -> the checks that report it. */
const errors = new Map();
let failed = 0;
results.forEach((r, i) => {
  if (r.code === 0) return;
  failed++;
  const blocks = r.output.split(/\n(?=\S)/).filter((b) => b.trim() !== '');
  for (const b of blocks) {
    const key = b.trimEnd();
    if (!errors.has(key)) errors.set(key, []);
    errors.get(key).push(checks[i].name);
  }
});

if (failed === 0) {
  console.log(`typecheck: no errors (${checks.map((c) => c.name).join(', ')})`);
} else {
  for (const [text, where] of errors) console.log(where.length === checks.length ? text : `${text}\n  [${where.join('; ')}]`);
  const n = [...errors.keys()].filter((t) => /error TS\d+/.test(t)).length;
  console.log(
    `\ntypecheck: ${n} error(s); failing: ${checks
      .filter((_, i) => results[i].code !== 0)
      .map((c) => c.name)
      .join(', ')}`,
  );
  process.exitCode = 1;
}
