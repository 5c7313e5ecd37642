/**
 * Checks for the course's exercises. In a notebook: `dojo.grading.check.returnsToGo(returnsToGo)`
 * compares your function with a hidden reference on fresh random inputs (edge cases included) and
 * explains what is wrong in words. It never throws: a stub that is not implemented yet is reported.
 */
import { runCheck, type CheckOptions } from './harness';
import { allExercises, chapters } from './registry';
import type { CheckResult } from './types';

export { runCheck, judge, learnerOutputs, isNotImplemented, notImplemented, type CheckOptions, type LearnerOutputs } from './harness';
export { chapters, allExercises, findExercise } from './registry';
export type { CheckResult, CheckStatus, Exercise } from './types';

export type CheckFn = (learnerFn: unknown, options?: CheckOptions) => void;

/**
 * `check.<exerciseName>(yourFunction)`: prints the verdict (✓, ✗ with the explanation, or "not
 * implemented yet"). It returns nothing so that a notebook shows the verdict once; use `runCheck`
 * to get the result as data.
 */
export const check: Record<string, CheckFn> = Object.fromEntries(
  allExercises.map((ex) => [ex.name, (fn: unknown, options?: CheckOptions) => void console.log(runCheck(ex, fn, options).message)]),
);

/** Runs every check of a chapter against an object of learner functions (e.g. an exercises module). */
export function checkChapter(chapter: string, impl: Record<string, unknown>, options?: CheckOptions): CheckResult[] {
  const list = chapters[chapter];
  if (!list) throw new Error(`Unknown chapter "${chapter}". Chapters: ${Object.keys(chapters).join(', ')}`);
  return list.map((ex) => runCheck(ex, impl[ex.name], options));
}

export { grade, type GradeOptions } from './runner';

export { learnerParts, isStub, type LearnerPartsOptions } from './learner';

export { checkDerivative, exactReturnsToGo, type DerivativeCheck, type DerivativeCheckSpec } from './symbolic';
