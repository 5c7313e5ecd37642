// Exercises of "Chapter 4 — A3C on Kung-Fu Master" (generated from chapters/04_a3c_kungfu.ts by scripts/build-chapters.ts).
// Replace each "throw new Error('not implemented yet ...')" with your code, then run `npm run grade`.
// The notebook notebooks/04_a3c_kungfu.ipynb explains every exercise.

import * as tf from '@tensorflow/tfjs';

/** Luma of every pixel of interleaved R,G,B bytes, scaled to [0, 1]. */
export function grayscale(rgb: Uint8Array): Float32Array {
  // YOUR CODE HERE
  throw new Error('not implemented yet: grayscale');
}

/** Side length after a convolution (padding on both sides, default 0). */
export function convOutputSize(size: number, kernel: number, stride: number, padding = 0): number {
  // YOUR CODE HERE
  throw new Error('not implemented yet: convOutputSize');
}

/** r + gamma * V(s') * (1 - done), one target per environment of the batch. */
export function tdTargets(rewards: number[], nextValues: number[], dones: boolean[], gamma: number): number[] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: tdTargets');
}

/** n-step returns, time-major [T][B], bootstrapped from the critic and cut at episode ends. */
export function nStepReturns(rewards: number[][], dones: boolean[][], bootstrap: number[], gamma: number): number[][] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: nStepReturns');
}
