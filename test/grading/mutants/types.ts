/** A wrong answer to an exercise and what is wrong with it. */
export interface Mutant {
  why: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fn: (...args: any[]) => unknown;
}
export type Mutants = Record<string, Mutant[]>;
