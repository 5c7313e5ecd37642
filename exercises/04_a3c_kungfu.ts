// Exercises of "Chapter 4 — A3C on Kung-Fu Master" (generated from chapters/04_a3c_kungfu.ts by scripts/build-chapters.ts).
// Replace each "throw new Error('not implemented yet ...')" with your code, then run `npm run grade`.
// The notebook notebooks/04_a3c_kungfu.ipynb explains every exercise.

/** r + gamma * V(s') * (1 - done), one target per environment of the batch. */
export function tdTargets(rewards: number[], nextValues: number[], dones: boolean[], gamma: number): number[] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: tdTargets');
}

/** n-step returns, time-major [T][N], bootstrapped from the critic and cut at episode ends. */
export function nStepReturns(rewards: number[][], dones: boolean[][], bootstrap: number[], gamma: number): number[][] {
  // YOUR CODE HERE
  throw new Error('not implemented yet: nStepReturns');
}

/** One A3C worker step on the rollout it just played: targets, advantages, gradient, shared update, pull. */
export function a3cWorkerStep(
  rollout: { rewards: number[][]; dones: boolean[][]; values: number[][]; bootstrap: number[] },
  worker: {
    gradient(played: typeof rollout, targets: number[][], advantages: number[][]): Float32Array;
    pull(weights: Float32Array): void;
  },
  shared: { params: Float32Array; apply(grad: Float32Array): void },
  gamma: number,
  returns: (rewards: number[][], dones: boolean[][], bootstrap: number[], gamma: number) => number[][],
): void {
  // YOUR CODE HERE
  throw new Error('not implemented yet: a3cWorkerStep');
}
