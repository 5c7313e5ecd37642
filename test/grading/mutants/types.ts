/** A wrong answer to an exercise and what is wrong with it. */
export interface Mutant {
  why: string;
  // biome-ignore lint/suspicious/noExplicitAny: a wrong answer to any exercise, whatever its parameters
  fn: (...args: any[]) => unknown;
}
export type Mutants = Record<string, Mutant[]>;
