/** Runs one exercise's check against a learner's function and explains the outcome in words. */
import { Rng } from '../util/rng';
import { clonePlain, describeDifference, formatValue, matches, samePlain } from './compare';
import type { Case, CheckResult, Exercise } from './types';
import { GradientError, LeakError, ShapeError } from './types';

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
  return args.map((a, i) => `${names[i] ?? `arg${i}`} = ${formatValue(a)}`).join(', ');
}

function firstLine(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
  return String(e);
}

/** Causes of errors thrown inside learner code that every exercise can meet, in words. */
const KNOWN_ERRORS: { test: RegExp; explain: string }[] = [
  {
    test: /Cannot compute gradient of y=f\(x\)/,
    explain:
      'no gradient reaches one of the inputs: the loss was built from numbers read out of a tensor ' +
      '(dataSync, arraySync, tf.tensor(x.dataSync())) instead of the tensor itself.',
  },
  {
    test: /passed to 'oneHot' must be int32/,
    explain: "tf.oneHot needs integer indices: pass the actions array itself, or tf.tensor1d(actions, 'int32').",
  },
  {
    test: /could not be broadcast|Operands could not be broadcast/i,
    explain:
      'two tensors of different shapes were combined elementwise, e.g. [T] with [T, A]: ' +
      'reduce the [T, A] one over its actions (tf.sum(x, 1)) first.',
  },
  {
    test: /must be a Tensor or TensorLike, but got 'undefined'/,
    explain:
      'a tf operation got undefined: an argument left out? ' +
      'A parameter the signature gives a default (e.g. beta = 0.01) needs that default in your function too.',
  },
  {
    test: /Tensor is disposed/,
    explain: 'a tensor was used after it was disposed: do not dispose the inputs, and return the result from inside tf.tidy.',
  },
  {
    test: /is not a function/,
    explain:
      'a method was called on something that does not have it, ' +
      'e.g. a tf method on a plain array (wrap it with tf.tensor1d) or an array method on a tensor.',
  },
];

/** A known cause of an error thrown by learner code, in words, or undefined. */
export function explainError(ex: Exercise, e: unknown): string | undefined {
  const own = ex.explainError?.(e);
  if (own) return own;
  const message = e instanceof Error ? e.message : String(e);
  return KNOWN_ERRORS.find((k) => k.test.test(message))?.explain;
}

interface Failure {
  index: number;
  c: Case;
  diff: string;
  got: unknown;
}

/**
 * What the learner's function did on each case, as plain data: the only thing that crosses from the
 * learner's realm (a worker thread, when grading files) to the grader's. `stop` ends the run early.
 */
export interface LearnerOutputs {
  /** Outputs of the cases run, in order (plain numbers, as `invoke` returns them). */
  got: unknown[];
  /** Why the run stopped before the last case, if it did. */
  stop?:
    | { kind: 'not-implemented'; at: number }
    | { kind: 'threw'; at: number; errorName: string; message: string; checkError: boolean }
    | { kind: 'mutated'; at: number; param: number; now: string }
    | { kind: 'not-a-function'; type: string }
    | { kind: 'cases-failed'; message: string };
}

/**
 * Runs the learner's function on the exercise's cases for `seed` (the learner's side of a check): no
 * reference is called and nothing is judged here.
 */
export function learnerOutputs(ex: Exercise, learner: unknown, seed: number): LearnerOutputs {
  if (typeof learner !== 'function') return { got: [], stop: { kind: 'not-a-function', type: typeof learner } };
  const fn = learner as Exercise['reference'];
  let cases: Case[];
  try {
    cases = ex.cases(new Rng(seed));
  } catch (e) {
    return { got: [], stop: { kind: 'cases-failed', message: firstLine(e) } };
  }
  const got: unknown[] = [];
  for (let k = 0; k < cases.length; k++) {
    const c = cases[k];
    // The learner's function gets its own copy of the inputs; a change to that copy is reported.
    const given = c.args.map((a) => clonePlain(a));
    try {
      got.push(ex.invoke(fn, given));
    } catch (e) {
      if (isNotImplemented(e)) return { got, stop: { kind: 'not-implemented', at: k } };
      const errorName = e instanceof Error ? e.name : 'Error';
      const message = e instanceof Error ? e.message : String(e);
      const checkError = e instanceof ShapeError || e instanceof LeakError || e instanceof GradientError;
      return { got, stop: { kind: 'threw', at: k, errorName, message, checkError } };
    }
    const changed = c.args.findIndex((a, i) => !samePlain(given[i], a));
    if (changed >= 0) return { got, stop: { kind: 'mutated', at: k, param: changed, now: formatValue(given[changed]) } };
  }
  return { got };
}

/** Runs one check in this realm: the learner's outputs, then the judgement (what notebooks use). */
export function runCheck(ex: Exercise, learner: unknown, options: CheckOptions = {}): CheckResult {
  const seed = options.seed ?? freshSeed();
  return judge(ex, learnerOutputs(ex, learner, seed), seed);
}

/**
 * The grader's side of a check: rebuilds the cases from `seed`, computes the references, compares them
 * with the learner's outputs and explains the outcome in words. Runs where the learner's code never ran.
 */
export function judge(ex: Exercise, outputs: LearnerOutputs, seed: number): CheckResult {
  const base = { exercise: ex.name, chapter: ex.chapter, seed };
  const result = (status: CheckResult['status'], message: string, casesRun: number): CheckResult => ({
    ...base,
    status,
    passed: status === 'pass',
    message,
    casesRun,
  });
  const stop = outputs.stop;
  if (stop?.kind === 'not-a-function')
    return result(
      'error',
      `✗ ${ex.name}: expected a function, got ${stop.type}. Pass your function itself, e.g. check.${ex.name}(${ex.name}).`,
      0,
    );
  let cases: Case[];
  try {
    cases = ex.cases(new Rng(seed));
  } catch (e) {
    return result('error', `✗ ${ex.name}: the grader could not build its test cases (${firstLine(e)}). This is a bug in the grader.`, 0);
  }
  if (stop?.kind === 'cases-failed')
    return result('error', `✗ ${ex.name}: the grader could not build its test cases (${stop.message}). This is a bug in the grader.`, 0);
  const tol = ex.tolerance ?? 1e-4;
  const rel = ex.relTolerance ?? 1e-4;
  const whereOf = (k: number, c: Case) => `case ${k + 1} of ${cases.length} ("${c.label}")`;
  const failures: Failure[] = [];
  const ran = stop && 'at' in stop ? stop.at : cases.length;
  if (!Array.isArray(outputs.got) || outputs.got.length < ran)
    return result('error', `✗ ${ex.name}: outputs came back for ${outputs.got?.length ?? 0} of ${ran} cases; the check is void.`, 0);
  for (let k = 0; k < ran; k++) {
    const c = cases[k];
    let expected: unknown;
    try {
      expected = ex.invoke(
        ex.reference,
        c.args.map((a) => clonePlain(a)),
      );
    } catch (e) {
      return result(
        'error',
        `✗ ${ex.name}: the grader's own computation failed on ${whereOf(k, c)} (${firstLine(e)}). This is a bug in the grader.`,
        k + 1,
      );
    }
    const diff = describeDifference(outputs.got[k], expected, tol, 'the result', rel);
    if (diff !== null) failures.push({ index: k, c, diff, got: outputs.got[k] });
  }
  if (stop && 'at' in stop) {
    const k = stop.at;
    const where = whereOf(k, cases[k]);
    const inputs = `  inputs: ${describeArgs(ex, cases[k].args)}`;
    if (stop.kind === 'not-implemented')
      return result(
        'not-implemented',
        `… ${ex.name}: not implemented yet. Replace the line that throws with your code, then run this check again.`,
        k,
      );
    if (stop.kind === 'mutated') {
      const name = ex.params[stop.param] ?? `argument ${stop.param + 1}`;
      return result(
        'fail',
        `✗ ${ex.name} changed its input \`${name}\` on ${where} (now ${stop.now}).\n${inputs}\n` +
          `  The caller still needs its data after the call (an algorithm reuses it): work on a copy (e.g. [...${name}]), ` +
          `and note that reverse() and sort() change an array in place.${seedNote(ex, seed)}`,
        k + 1,
      );
    }
    if (stop.checkError)
      return result('fail', `✗ ${ex.name} failed on ${where}.\n${inputs}\n  ${stop.message}${seedNote(ex, seed)}`, k + 1);
    const e = new Error(stop.message);
    e.name = stop.errorName;
    const cause = explainError(ex, e);
    const because = cause ? `\n  Likely cause: ${cause}` : '';
    return result(
      'error',
      `✗ ${ex.name} threw an error on ${where}.\n${inputs}\n  error: ${firstLine(e)}${because}${seedNote(ex, seed)}`,
      k + 1,
    );
  }
  if (failures.length === 0) return result('pass', `✓ ${ex.name}: passed all ${cases.length} cases (${ex.edgeCases}).`, cases.length);

  // The likely mistake is one that explains every failing case, not just the first.
  const explains = (m: Exercise['mistakes'][number], f: Failure) => {
    try {
      return matches(
        f.got,
        ex.invoke(
          m.fn,
          f.c.args.map((a) => clonePlain(a)),
        ),
        tol,
        rel,
      );
    } catch {
      return false;
    }
  };
  const hint = ex.mistakes.find((m) => failures.every((f) => explains(m, f)));
  const first = failures[0];
  const lines = [
    `✗ ${ex.name} gave a wrong answer on ${whereOf(first.index, first.c)}.`,
    `  inputs: ${describeArgs(ex, first.c.args)}`,
    `  ${first.diff}`,
  ];
  if (failures.length > 1) {
    const others = failures
      .slice(1, 4)
      .map((f) => `"${f.c.label}"`)
      .join(', ');
    lines.push(`  ${failures.length} of ${cases.length} cases gave a wrong answer (also ${others}${failures.length > 4 ? ', …' : ''}).`);
  }
  if (hint) lines.push(`  Likely mistake: ${hint.hint}`);
  else lines.push(`  Expected in short: ${ex.summary}`);
  return result('fail', lines.join('\n') + seedNote(ex, seed), cases.length);
}

function seedNote(ex: Exercise, seed: number): string {
  return `\n  (to replay these exact cases: check.${ex.name}(${ex.name}, { seed: ${seed} }))`;
}
