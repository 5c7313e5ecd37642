/** One exercise: what the learner implements, how it is exercised, and how a wrong answer is explained. */
export interface Exercise<F extends (...args: never[]) => unknown = (...args: never[]) => unknown> {
  /** The function name the learner implements (also the check's name). */
  name: string;
  /** Chapter id, e.g. '01_reinforce'. */
  chapter: string;
  /** One line: what a correct answer computes. */
  summary: string;
  /** Names of the parameters, in order, used when showing a failing case's inputs. */
  params: string[];
  /** The edge cases every run includes, in words (shown when all cases pass). */
  edgeCases: string;
  /** Fresh cases: fixed edge cases first, then random ones drawn from `rng`. */
  cases(rng: import('../util/rng').Rng): Case[];
  /** Calls an implementation on a case and turns what it returns into plain numbers (may throw ShapeError). */
  invoke(fn: F, args: readonly unknown[]): unknown;
  /** The hidden reference, same signature as the learner's function. */
  reference: F;
  /** Wrong answers seen in practice, each with the hint a learner gets when their output matches it. */
  mistakes: Mistake<F>[];
  /** Optional extra comparison tolerance (absolute), default 1e-4. */
  tolerance?: number;
  /** Relative comparison tolerance (a fraction of the expected value), default 1e-4. */
  relTolerance?: number;
  /**
   * Explains an error the learner's function threw when its cause is known (returns undefined
   * otherwise); the harness also knows a few causes common to every exercise.
   */
  explainError?: (e: unknown) => string | undefined;
}

export interface Mistake<F> {
  hint: string;
  fn: F;
}

export interface Case {
  /** What is special about this case, shown to the learner on failure. */
  label: string;
  args: unknown[];
}

export type CheckStatus = 'pass' | 'fail' | 'not-implemented' | 'error' | 'timeout';

export interface CheckResult {
  exercise: string;
  chapter: string;
  status: CheckStatus;
  passed: boolean;
  /** Human-readable explanation (one or more lines), never containing reference code. */
  message: string;
  casesRun: number;
  seed: number;
}

/** Raised by an exercise's invoke when the learner's output has the wrong type or shape. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Raised by invoke when no gradient reaches an input of the learner's loss (it was detached or unused). */
export class GradientError extends Error {
  override name = 'GradientError';
}

/** Raised by invoke when the learner's function leaves tensors allocated. */
export class LeakError extends Error {
  override name = 'LeakError';
}
