/**
 * How a chapter's training cell trains with the learner's own functions.
 *
 * ```ts
 * const parts = dojo.grading.learnerParts({ returnsToGo, reinforceLoss });
 * const algo = new dojo.algos.Reinforce({ envId: 'CartPole-v1', seed: 3 }, parts);
 * ```
 *
 * Every function the learner has written is used as it is; its check is not rerun here (the check
 * cell after the exercise does that). A function that is still the notebook's stub (it throws
 * "not implemented yet" on its exercise's first test case) is replaced by the library's own function
 * of the same name, the exercise's reference, and one plain line says so. So every notebook runs from
 * top to bottom, and the rule is the same in every chapter.
 */
import { Rng } from '../util/rng';
import { isNotImplemented } from './harness';
import { findExercise } from './registry';

// biome-ignore lint/suspicious/noExplicitAny: a part may have any function shape
type AnyFn = (...args: any[]) => any;

export interface LearnerPartsOptions {
  /** Where the lines about substituted functions go (default: console.log). */
  log?: (line: string) => void;
}

function exerciseOf(name: string) {
  const ex = findExercise(name);
  if (!ex) throw new Error(`learnerParts: no exercise is called '${name}'; pass the functions you wrote in the exercises, by their names`);
  return ex;
}

function disposeDeep(x: unknown): void {
  if (x && typeof x === 'object') {
    const d = (x as { dispose?: unknown }).dispose;
    if (typeof d === 'function') (d as () => void).call(x);
    else if (Array.isArray(x)) x.forEach(disposeDeep);
  }
}

/** True when `fn` is still a stub: on the exercise's first test case it throws "not implemented yet". */
export function isStub(name: string, fn: AnyFn): boolean {
  const ex = exerciseOf(name);
  const [first] = ex.cases(new Rng(1));
  try {
    disposeDeep(ex.invoke(fn as never, first.args));
    return false;
  } catch (e) {
    return isNotImplemented(e);
  }
}

/**
 * The learner's functions for a chapter's training: each one written is used as given, each stub is
 * replaced by the library's function of the same name (with a printed line naming the exercise).
 */
export function learnerParts<P extends Record<string, AnyFn>>(given: P, options: LearnerPartsOptions = {}): P {
  const log = options.log ?? ((l: string) => console.log(l));
  const out: Record<string, AnyFn> = {};
  for (const [name, fn] of Object.entries(given)) {
    if (typeof fn !== 'function') throw new Error(`learnerParts: '${name}' should be a function, got ${typeof fn}`);
    if (isStub(name, fn)) {
      const ex = exerciseOf(name);
      log(
        `${name} is not written yet (an exercise of ${ex.chapter}): this training uses the library's ${name}. Write it and rerun this cell to train with yours.`,
      );
      out[name] = ex.reference as AnyFn;
    } else {
      out[name] = fn;
    }
  }
  return out as P;
}
