/**
 * Gradient Dojo: policy-gradient reinforcement learning in TypeScript.
 *
 * Notebooks import everything from here: `import * as dojo from 'gradient-dojo'`.
 */
export * as atari from './atari';
export * as nn from './nn';
export * as envs from './envs';
export * as algos from './algos';
export * as runs from './runs';
export * as viz from './viz';
export * as grading from './grading';
export { Rng, Mt19937 } from './util/rng';
