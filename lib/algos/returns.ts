/**
 * Returns, bootstrapped targets and advantages: the arithmetic every policy-gradient method shares.
 *
 * The course's exercises are here under their chapter names, on plain `number[]`: `returnsToGo` (one
 * episode, chapter 1), `batchReturnsToGo` (episodes laid end to end, chapter 2), `advantageEstimates`
 * (chapter 3). REINFORCE and A2C call them (or the learner's own versions passed as their parts).
 *
 * Batched functions take rollouts in TIME-MAJOR layout `[T, N]`: T time steps of N parallel
 * environments, flattened row by row, so the value for step t of environment n is at index
 * `t * N + n`. Any `ArrayLike<number>` works (Float32Array, number[]); results are Float32Array.
 *
 * `dones[t*N+n]` is 1 when the episode of environment n ended with the transition taken at step t
 * (the reward at step t is its last reward). Nothing after a done is ever bootstrapped or summed
 * across: the next row of that environment belongs to a fresh episode.
 */

export interface RolloutShape {
  /** Time steps in the rollout. */
  T: number;
  /** Parallel environments. */
  N: number;
}

function checkShape(name: string, arr: ArrayLike<number>, expected: number, what: string): void {
  if (arr.length !== expected) {
    throw new Error(`${name}: expected ${what} of length ${expected}, got length ${arr.length}`);
  }
}

function checkGamma(name: string, gamma: number): void {
  if (!(gamma >= 0 && gamma <= 1)) throw new Error(`${name}: gamma must be in [0, 1], got ${gamma}`);
}

function checkTN(name: string, T: number, N: number): void {
  if (!Number.isInteger(T) || T < 1 || !Number.isInteger(N) || N < 1) {
    throw new Error(`${name}: T and N must be positive integers, got T=${T}, N=${N}`);
  }
}

/**
 * Discounted returns-to-go of ONE finished episode: `G_t = r_t + gamma * G_{t+1}`, `G_T = 0`.
 * This is what REINFORCE weights `log pi(a_t|s_t)` with.
 */
export function returnsToGo(rewards: number[], gamma: number): number[] {
  checkGamma('returnsToGo', gamma);
  const returns = new Array<number>(rewards.length);
  let future = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    future = rewards[t] + gamma * future;
    returns[t] = future;
  }
  return returns;
}

/**
 * Bootstrapped discounted returns over a `[T, N]` rollout (the "n-step" returns of A3C, where
 * step t looks ahead T - t steps): `G_t = r_t + gamma * (1 - done_t) * G_{t+1}`, and after the
 * last row `G_T = bootstrap[n]` (the critic's V(s_T); pass zeros for no bootstrap).
 */
export function bootstrappedReturns(
  rewards: ArrayLike<number>,
  dones: ArrayLike<number>,
  bootstrap: ArrayLike<number>,
  gamma: number,
  { T, N }: RolloutShape,
): Float32Array {
  checkTN('bootstrappedReturns', T, N);
  checkGamma('bootstrappedReturns', gamma);
  checkShape('bootstrappedReturns', rewards, T * N, 'rewards [T*N]');
  checkShape('bootstrappedReturns', dones, T * N, 'dones [T*N]');
  checkShape('bootstrappedReturns', bootstrap, N, 'bootstrap values [N]');
  const out = new Float32Array(T * N);
  for (let n = 0; n < N; n++) {
    let g = bootstrap[n];
    for (let t = T - 1; t >= 0; t--) {
      const i = t * N + n;
      g = rewards[i] + gamma * (1 - dones[i]) * g;
      out[i] = g;
    }
  }
  return out;
}

/**
 * Fixed-horizon n-step targets: `G_t = r_t + ... + gamma^(k-1) r_{t+k-1} + gamma^k V(s_{t+k})` with
 * k = min(n, steps left in the rollout), cut short (no bootstrap) at an episode end.
 * `values` holds V(s_t) for t = 0..T, i.e. `[(T+1), N]`: the last row is V of the state after the
 * rollout. With n = 1 these are the TD(0) targets; with n >= T they equal `bootstrappedReturns`.
 */
export function nStepReturns(
  rewards: ArrayLike<number>,
  dones: ArrayLike<number>,
  values: ArrayLike<number>,
  gamma: number,
  n: number,
  { T, N }: RolloutShape,
): Float32Array {
  checkTN('nStepReturns', T, N);
  checkGamma('nStepReturns', gamma);
  if (!Number.isInteger(n) || n < 1) throw new Error(`nStepReturns: n must be a positive integer, got ${n}`);
  checkShape('nStepReturns', rewards, T * N, 'rewards [T*N]');
  checkShape('nStepReturns', dones, T * N, 'dones [T*N]');
  checkShape('nStepReturns', values, (T + 1) * N, 'values [(T+1)*N] (V(s_0) .. V(s_T))');
  const out = new Float32Array(T * N);
  for (let e = 0; e < N; e++) {
    for (let t = 0; t < T; t++) {
      const end = Math.min(t + n, T);
      let g = 0;
      let discount = 1;
      let cut = false;
      for (let k = t; k < end; k++) {
        const i = k * N + e;
        g += discount * rewards[i];
        discount *= gamma;
        if (dones[i]) { cut = true; break; }
      }
      if (!cut) g += discount * values[end * N + e];
      out[t * N + e] = g;
    }
  }
  return out;
}

/**
 * One-step TD targets `r_t + gamma * (1 - done_t) * V(s_{t+1})` (elementwise over any length):
 * the critic target of the synchronous actor-critic in the Kung-Fu notebook.
 */
export function tdTargets(
  rewards: ArrayLike<number>,
  dones: ArrayLike<number>,
  nextValues: ArrayLike<number>,
  gamma: number,
): Float32Array {
  checkGamma('tdTargets', gamma);
  checkShape('tdTargets', dones, rewards.length, 'dones (same length as rewards)');
  checkShape('tdTargets', nextValues, rewards.length, 'nextValues (same length as rewards)');
  const out = new Float32Array(rewards.length);
  for (let i = 0; i < rewards.length; i++) out[i] = rewards[i] + gamma * (1 - dones[i]) * nextValues[i];
  return out;
}

/**
 * Generalised advantage estimation (Schulman et al. 2016):
 * `delta_t = r_t + gamma (1 - done_t) V(s_{t+1}) - V(s_t)`,
 * `A_t = delta_t + gamma lambda (1 - done_t) A_{t+1}`. `values` is `[(T+1), N]` as in `nStepReturns`.
 * Returns the advantages and the critic targets `returns = A + V`. lambda = 0 gives the TD(0)
 * advantage; lambda = 1 gives `bootstrappedReturns - V`.
 */
export function gae(
  rewards: ArrayLike<number>,
  dones: ArrayLike<number>,
  values: ArrayLike<number>,
  gamma: number,
  lambda: number,
  { T, N }: RolloutShape,
): { advantages: Float32Array; returns: Float32Array } {
  checkTN('gae', T, N);
  checkGamma('gae', gamma);
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`gae: lambda must be in [0, 1], got ${lambda}`);
  checkShape('gae', rewards, T * N, 'rewards [T*N]');
  checkShape('gae', dones, T * N, 'dones [T*N]');
  checkShape('gae', values, (T + 1) * N, 'values [(T+1)*N] (V(s_0) .. V(s_T))');
  const advantages = new Float32Array(T * N);
  const returns = new Float32Array(T * N);
  for (let e = 0; e < N; e++) {
    let a = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * N + e;
      const notDone = 1 - dones[i];
      const delta = rewards[i] + gamma * notDone * values[i + N] - values[i];
      a = delta + gamma * lambda * notDone * a;
      advantages[i] = a;
      returns[i] = a + values[i];
    }
  }
  return { advantages, returns };
}

/**
 * Returns-to-go of several episodes laid end to end (chapter 2): `dones[t]` is true when step t is the
 * last step of its episode, and the return restarts there: `G_t = r_t + gamma * (1 - done_t) G_{t+1}`.
 * The last step counts as an episode end whether or not its flag is set (nothing follows it).
 */
export function batchReturnsToGo(rewards: number[], dones: boolean[], gamma: number): number[] {
  checkGamma('batchReturnsToGo', gamma);
  if (dones.length !== rewards.length) throw new Error(`batchReturnsToGo: ${dones.length} done flags for ${rewards.length} rewards`);
  const returns = new Array<number>(rewards.length);
  let future = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    if (dones[t]) future = 0;
    future = rewards[t] + gamma * future;
    returns[t] = future;
  }
  return returns;
}

/**
 * Advantages of one complete episode (chapter 3): `A_t = G_t - V(s_t)`, the return-to-go minus the
 * critic's value of the state the action was taken in.
 */
export function advantageEstimates(rewards: number[], values: number[], gamma: number): number[] {
  checkGamma('advantageEstimates', gamma);
  if (values.length !== rewards.length) throw new Error(`advantageEstimates: ${values.length} values for ${rewards.length} rewards`);
  const advantages = new Array<number>(rewards.length);
  let future = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    future = rewards[t] + gamma * future;
    advantages[t] = future - values[t];
  }
  return advantages;
}

/** Subtracts the mean and divides by the standard deviation (+ eps); returns a new array. */
export function normalize(x: ArrayLike<number>, eps = 1e-8): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  const std = Math.sqrt(v / n);
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) / (std + eps);
  return out;
}
