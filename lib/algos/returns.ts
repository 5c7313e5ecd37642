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
 * Generalised advantage estimation (Schulman et al. 2016):
 * `delta_t = r_t + gamma (1 - done_t) V(s_{t+1}) - V(s_t)`,
 * `A_t = delta_t + gamma lambda (1 - done_t) A_{t+1}`. `values` is `[(T+1), N]` as in `nStepReturns`.
 * Returns the advantages and the critic targets `returns = A + V`. lambda = 0 gives the TD(0)
 * advantage; lambda = 1 gives the bootstrapped n-step return minus V.
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

// ---------------------------------------------------------------------------------------------------
// Chapters 4 and 5: targets and advantages over rollouts of N environments, written as the chapters
// write them (plain arrays, TIME-MAJOR: `rewards[t][n]` is environment n's reward at step t), and
// called as they are by SyncA3C, A3C's workers and RecurrentA2C. `dones[t][n]` is true when the
// episode of environment n ended with step t: nothing after it is bootstrapped or summed across.

function checkRollout(name: string, rewards: number[][], dones: boolean[][], n: number): void {
  if (dones.length !== rewards.length) throw new Error(`${name}: ${rewards.length} rows of rewards but ${dones.length} rows of dones`);
  rewards.forEach((row, t) => {
    if (row.length !== n || dones[t].length !== n) {
      throw new Error(`${name}: row ${t} has ${row.length} rewards and ${dones[t].length} dones, expected ${n} (one per environment)`);
    }
  });
}

/**
 * One-step TD targets `y_i = r_i + gamma * V(s'_i) * (1 - done_i)` for a batch of transitions: no
 * bootstrap from the state after a game ended. Chapter 4's first target; `SyncA3C` with `nSteps: 1`.
 */
export function tdTargets(rewards: number[], nextValues: number[], dones: boolean[], gamma: number): number[] {
  checkGamma('tdTargets', gamma);
  if (nextValues.length !== rewards.length || dones.length !== rewards.length) {
    throw new Error(
      `tdTargets: ${rewards.length} rewards, ${nextValues.length} next values and ${dones.length} dones (expected the same length)`,
    );
  }
  return rewards.map((r, i) => r + (dones[i] ? 0 : gamma * nextValues[i]));
}

/**
 * n-step returns of a rollout, time-major `[T][N]`: `G_t = r_t + gamma * (1 - done_t) * G_{t+1}`,
 * computed backwards from `G_T = bootstrap[n]`, the critic's V of the state after the rollout (step t
 * looks ahead T - t steps). The targets of A3C's workers and of `SyncA3C` with `nSteps > 1`.
 */
export function nStepReturns(rewards: number[][], dones: boolean[][], bootstrap: number[], gamma: number): number[][] {
  checkGamma('nStepReturns', gamma);
  checkRollout('nStepReturns', rewards, dones, bootstrap.length);
  const returns: number[][] = new Array(rewards.length);
  let next = bootstrap.slice();
  for (let t = rewards.length - 1; t >= 0; t--) {
    next = next.map((g, n) => rewards[t][n] + (dones[t][n] ? 0 : gamma * g));
    returns[t] = next;
  }
  return returns;
}

/**
 * n-step advantages, time-major `[T][N]`: `A_t = G_t - V(s_t)` with the n-step returns G of
 * `nStepReturns` bootstrapped from the last row of `values`. `values` has T + 1 rows:
 * V(s_0) .. V(s_{T-1}), then V(s_T) of the state after the rollout. Chapter 5; `RecurrentA2C`.
 */
export function nStepAdvantages(rewards: number[][], dones: boolean[][], values: number[][], gamma: number): number[][] {
  const T = rewards.length;
  if (values.length !== T + 1)
    throw new Error(`nStepAdvantages: values needs T + 1 = ${T + 1} rows (V(s_0) .. V(s_T)), got ${values.length}`);
  const returns = nStepReturns(rewards, dones, values[T], gamma);
  return returns.map((row, t) => row.map((g, n) => g - values[t][n]));
}
