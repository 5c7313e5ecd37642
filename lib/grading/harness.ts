/** Runs one exercise's check against a learner's function and explains the outcome in words. */
import { Rng } from '../util/rng';
import { describeDifference, formatValue, matches } from './compare';
import type { CheckResult, Exercise } from './types';
import { LeakError, ShapeError } from './types';

/** The error learner stubs throw: `throw new Error('not implemented yet: <name>')`. */
export function isNotImplemented(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return e.name === 'NotImplementedError' || /not implemented/i.test(e.message);
}

/** Builds the error a stub throws; the checks recognise it and report "not implemented yet". */
export function notImplemented(name: string): Error {
  const e = new Error(`not implemented yet: ${name} (replace the line that throws with your code)`);
  e.name = 'NotImplementedError';
  return e;
}

export interface CheckOptions {
  /** Seed for the random cases; by default a fresh one each call (printed on failure to reproduce it). */
  seed?: number;
}

function freshSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) >>> 0;
}

function describeArgs(ex: Exercise, args: readonly unknown[]): string {
  const names = ex.params;
  return args
    .map((a, i) => `${names[i] ?? `arg${i}`} = ${formatValue(a)}`)
    .join(', ');
}

function firstLine(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
  return String(e);
}

export function runCheck(ex: Exercise, learner: unknown, options: CheckOptions = {}): CheckResult {
  const seed = options.seed ?? freshSeed();
  const base = { exercise: ex.name, chapter: ex.chapter, seed };
  const result = (status: CheckResult['status'], message: string, casesRun: number): CheckResult => ({
    ...base,
    status,
    passed: status === 'pass',
    message,
    casesRun,
  });
  if (typeof learner !== 'function') {
    return result('error', `✗ ${ex.name}: expected a function, got ${typeof learner}. Pass your function itself, e.g. check.${ex.name}(${ex.name}).`, 0);
  }
  const fn = learner as Exercise['reference'];
  let cases;
  try {
    cases = ex.cases(new Rng(seed));
  } catch (e) {
    return result('error', `✗ ${ex.name}: the grader could not build its test cases (${firstLine(e)}). This is a bug in the grader.`, 0);
  }
  const tol = ex.tolerance ?? 1e-4;
  for (let k = 0; k < cases.length; k++) {
    const c = cases[k];
    const where = `case ${k + 1} of ${cases.length} ("${c.label}")`;
    const inputs = `  inputs: ${describeArgs(ex, c.args)}`;
    let got: unknown;
    try {
      got = ex.invoke(fn, c.args);
    } catch (e) {
      if (isNotImplemented(e)) {
        return result('not-implemented', `… ${ex.name}: not implemented yet. Replace the line that throws with your code, then run this check again.`, k);
      }
      if (e instanceof ShapeError || e instanceof LeakError) {
        return result('fail', `✗ ${ex.name} failed on ${where}.\n${inputs}\n  ${e.message}${seedNote(ex, seed)}`, k + 1);
      }
      return result('error', `✗ ${ex.name} threw an error on ${where}.\n${inputs}\n  error: ${firstLine(e)}${seedNote(ex, seed)}`, k + 1);
    }
    let expected: unknown;
    try {
      expected = ex.invoke(ex.reference, c.args);
    } catch (e) {
      return result('error', `✗ ${ex.name}: the grader's own computation failed on ${where} (${firstLine(e)}). This is a bug in the grader.`, k + 1);
    }
    const diff = describeDifference(got, expected, tol);
    if (diff === null) continue;
    const hint = ex.mistakes.find((m) => {
      try {
        return matches(got, ex.invoke(m.fn, c.args), tol);
      } catch {
        return false;
      }
    });
    const lines = [`✗ ${ex.name} gave a wrong answer on ${where}.`, inputs, `  ${diff}`];
    if (hint) lines.push(`  Likely mistake: ${hint.hint}`);
    else lines.push(`  Expected in short: ${ex.summary}`);
    return result('fail', lines.join('\n') + seedNote(ex, seed), k + 1);
  }
  return result('pass', `✓ ${ex.name}: passed all ${cases.length} cases (${ex.edgeCases}).`, cases.length);
}

function seedNote(ex: Exercise, seed: number): string {
  return `\n  (to replay these exact cases: check.${ex.name}(${ex.name}, { seed: ${seed} }))`;
}
