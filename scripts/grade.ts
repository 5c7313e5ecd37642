/**
 * Grades your exercises: `npm run grade` checks every function in exercises/NN_*.ts against the hidden
 * references on fresh random inputs and prints a scorecard per chapter. Exit code 1 when anything fails.
 *
 *   npm run grade                       all chapters
 *   npm run grade -- 01 03              only chapters whose id starts with 01 or 03
 *   npm run grade -- --dir solutions    grade another folder of NN_name.ts files
 *   npm run grade -- --seed 42          replay the same random cases
 *   npm run grade -- --timeout 20       seconds allowed per check
 */
import { resolve } from 'node:path';
import { grade } from '../lib/grading/runner';
import { chapters } from '../lib/grading/registry';
import type { CheckResult } from '../lib/grading/types';

function parse(argv: string[]) {
  const opts = { dir: 'exercises', only: [] as string[], seed: undefined as number | undefined, timeoutMs: 20_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--dir') opts.dir = value();
    else if (a === '--seed') opts.seed = Number(value());
    else if (a === '--timeout') opts.timeoutMs = 1000 * Number(value());
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run grade -- [chapter-prefix ...] [--dir folder] [--seed n] [--timeout seconds]');
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a} (try --help)`);
    else opts.only.push(a);
  }
  if (opts.seed !== undefined && !Number.isFinite(opts.seed)) throw new Error('--seed must be a number');
  if (!(opts.timeoutMs > 0)) throw new Error('--timeout must be a positive number of seconds');
  const known = Object.keys(chapters);
  for (const o of opts.only)
    if (!known.some((c) => c.startsWith(o))) throw new Error(`no chapter starts with "${o}" (chapters: ${known.join(', ')})`);
  return opts;
}

const icon: Record<CheckResult['status'], string> = { pass: '✓', fail: '✗', error: '✗', timeout: '⏱', 'not-implemented': '…' };

async function main() {
  let opts: ReturnType<typeof parse>;
  try {
    opts = parse(process.argv.slice(2));
  } catch (e) {
    console.error(`grade: ${(e as Error).message}`);
    process.exit(2);
  }
  const seed = opts.seed ?? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) >>> 0;
  const dir = resolve(opts.dir);
  console.log(`Grading ${opts.dir}/ (random cases seed ${seed}; replay with --seed ${seed})\n`);
  const results = await grade({ dir, only: opts.only, seed, timeoutMs: opts.timeoutMs });
  let passed = 0;
  let total = 0;
  for (const [chapter, list] of results) {
    const ok = list.filter((r) => r.passed).length;
    passed += ok;
    total += list.length;
    console.log(`${chapter}  ${ok}/${list.length}`);
    for (const r of list) {
      if (r.passed) console.log(`  ${icon.pass} ${r.exercise}`);
      else {
        const detail = r.message.split('\n').map((l, i) => (i === 0 ? l.replace(/^\S+\s/, '') : `    ${l.trim()}`));
        console.log(`  ${icon[r.status]} ${detail.join('\n')}`);
      }
    }
    console.log('');
  }
  console.log(`Total: ${passed}/${total} exercises pass.`);
  process.exit(passed === total ? 0 : 1);
}

main().catch((e) => {
  console.error(`grade: internal error: ${(e as Error).stack ?? e}`);
  process.exit(2);
});
