/** Every exercise of the course, by chapter, in the order the chapters teach them. */
import type { Exercise } from './types';
import { exercises as ch01 } from './exercises/01_reinforce';
import { exercises as ch02 } from './exercises/02_entropy';
import { exercises as ch03 } from './exercises/03_a2c';
import { exercises as ch04 } from './exercises/04_a3c_kungfu';
import { exercises as ch05 } from './exercises/05_lstm_pomdp';

export const chapters: Record<string, Exercise[]> = {
  '01_reinforce': ch01,
  '02_entropy': ch02,
  '03_a2c': ch03,
  '04_a3c_kungfu': ch04,
  '05_lstm_pomdp': ch05,
};

export const allExercises: Exercise[] = Object.values(chapters).flat();

export function findExercise(name: string): Exercise | undefined {
  return allExercises.find((e) => e.name === name);
}
