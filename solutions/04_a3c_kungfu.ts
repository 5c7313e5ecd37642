// Solutions of "Chapter 4 — A3C on Kung-Fu Master" (generated from chapters/04_a3c_kungfu.ts by scripts/build-chapters.ts).

/** r + gamma * V(s') * (1 - done), one target per environment of the batch. */
export function tdTargets(rewards: number[], nextValues: number[], dones: boolean[], gamma: number): number[] {
  return rewards.map((r, i) => r + (dones[i] ? 0 : gamma * nextValues[i]));
}

/** n-step returns, time-major [T][N], bootstrapped from the critic and cut at episode ends. */
export function nStepReturns(rewards: number[][], dones: boolean[][], bootstrap: number[], gamma: number): number[][] {
  const returns: number[][] = new Array(rewards.length);
  let next = bootstrap.slice();
  for (let t = rewards.length - 1; t >= 0; t--) {
    next = next.map((g, n) => rewards[t][n] + (dones[t][n] ? 0 : gamma * g));
    returns[t] = next;
  }
  return returns;
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
  // n-step targets from this worker's own rewards, bootstrapped from V(s_T) and cut at episode ends
  const targets = returns(rollout.rewards, rollout.dones, rollout.bootstrap, gamma);
  // advantages: how much better each step went than the critic expected
  const advantages = targets.map((row, t) => row.map((g, n) => g - rollout.values[t][n]));
  // the gradient of the actor-critic loss at the worker's local weights
  const grad = worker.gradient(rollout, targets, advantages);
  // one optimiser step on the SHARED weights (no lock: other workers may be writing too)
  shared.apply(grad);
  // pull the fresh shared weights: the next rollout acts with everyone's updates
  worker.pull(shared.params);
}
