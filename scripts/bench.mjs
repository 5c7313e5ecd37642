#!/usr/bin/env node
// Runs every benchmark under bench/ (files named <area>.bench.ts), each in its own process, one after
// another so they never compete for the CPU. A benchmark prints lines `BENCH <name> <value> <unit>`;
// this script prints them as a table and writes bench/latest.json.
// Usage: node scripts/bench.mjs [area ...]     e.g. `npm run bench -- atari nn`
import { readdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

const root = resolve(import.meta.dirname, '..');
const wanted = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (files.length === 0) {
  console.error(
    `No benchmark matches ${wanted.join(', ')}. Available: ${readdirSync(join(root, 'bench'))
      .filter((f) => f.endsWith('.bench.ts'))
      .join(', ')}`,
  );
  process.exit(1);
}
const figures = [];
let failed = false;
let backend = 'n/a';
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('bench', f)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  process.stdout.write(r.stdout ?? '');
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^BENCH (\S+) (\S+) (.+)$/.exec(line.trim());
    if (m) figures.push({ name: m[1], value: Number(m[2]), unit: m[3] });
    const b = /^BACKEND (\S+)/.exec(line.trim());
    if (b) backend = b[1];
  }
  if (r.status !== 0) {
    failed = true;
    console.error(`benchmark ${f} exited with ${r.status}`);
  }
}
const width = Math.max(10, ...figures.map((x) => x.name.length));
console.log(`\n${'figure'.padEnd(width)}  ${'value'.padStart(12)}  unit`);
for (const x of figures) console.log(`${x.name.padEnd(width)}  ${String(x.value).padStart(12)}  ${x.unit}`);
const out = join(root, 'bench', 'latest.json');
const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { figures: {} };
const merged = { ...previous.figures };
for (const x of figures) merged[x.name] = { value: x.value, unit: x.unit };
const record = {
  date: new Date().toISOString(),
  node: process.version,
  backend,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  figures: merged,
};
writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
console.log(`\nwrote ${out}`);
process.exit(failed ? 1 : 0);
