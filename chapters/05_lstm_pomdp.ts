// %% [markdown]
// # Chapter 5 — Memory: a recurrent actor-critic for a partially observed game
//
// **By the end of this chapter you will be able to**
//
// - explain why Kung-Fu Master is a *partially observable* problem (POMDP);
// - describe a recurrent agent: convolutions, a dense layer of 256, an LSTM of 256, two heads;
// - carry the LSTM memory across rollouts, reset it exactly when a game ends, and cut the gradient at
//   the rollout's start (truncated back-propagation through time);
// - compute $n$-step advantages over rollouts;
// - see what memory buys, against a feed-forward agent on the same partially observed task;
// - train, read the reward curve and its moving average, and watch the policy entropy for trouble;
// - run a 20-game final evaluation.

// %% [imports]
import * as tf from '@tensorflow/tfjs';
import * as dojo from 'gradient-dojo';

// %%
await dojo.nn.ready();
console.log(dojo.nn.describeBackend());
const BUDGET = (process.env.GRADIENT_DOJO_BUDGET ?? 'book') as 'ci' | 'book' | 'full';
const pick = <T>(choices: { ci: T; book: T; full: T }): T => choices[BUDGET] ?? choices.book;
console.log(`budget: ${BUDGET}`);

// %% [markdown]
// ## What one frame hides
//
// A Markov decision process assumes the observation tells you everything that matters for the future.
// A single Atari frame does not: it shows where a knife is but not where it is going. Stacking 4
// frames (chapter 4) recovers velocity. But Kung-Fu Master also has *timing*: enemies appear on a
// schedule, and when the next one arrives depends on what happened seconds ago, far beyond 4 frames.
// The game is a **partially observable** MDP, and an agent needs memory to play it well.
//
// ## The recurrent agent
//
// $$\text{obs} \xrightarrow{\text{3 conv, ELU}} \xrightarrow{\text{dense 256, ReLU}} \xrightarrow{\text{LSTM 256}} h_t \;\to\; \begin{cases} \text{logits} \in \mathbb{R}^{14} \\ V(s_t) \in \mathbb{R} \end{cases}$$
//
// The LSTM keeps two vectors between steps, the output $h$ and the cell state $c$. Each step it
// reads the new features and its previous $(h, c)$ and writes new ones; gates decide what to keep,
// what to forget and what to output. The heads read $h_t$, so the policy can depend on everything
// the agent has seen since the game started.

// %%
const N_ACTIONS = 14;
const agent = dojo.nn.recurrentAgent({ nActions: N_ACTIONS, seed: 0 });
const memory = agent.initialState(1);
const probe = tf.tidy(() => {
  const out = agent.step(memory, tf.zeros([1, 42, 42, 4]));
  return { logits: out.logits.shape, value: out.value.shape, h: out.state.h.shape, c: out.state.c.shape };
});
console.log('one step of a batch of 1:', probe);
tf.dispose([memory.h, memory.c]);

// %% [markdown]
// ## Rollouts with carried memory
//
// The library's `RecurrentA2C` plays $N$ games in parallel and keeps, for each, the latest observation
// *and the agent's memory*. Each update plays $T$ steps in every game; the arrays are *time-major*,
// `rewards[t][n]`, as in chapter 4. The next update starts where the last one stopped, with the memory
// it left: a rollout is a window onto a long game, not a game.
//
// When a game ends inside a rollout, its environment restarts, and the memory of the finished game
// must not leak into the new one: that environment's $(h, c)$ is zeroed.
//
// ### Exercise 5.1 — resetting memory at episode ends
//
// `memory` is `[h, c]`, each $[N, 256]$. Return new tensors with the rows of finished games set to
// zero, and leave the tensors you were given alone (the caller still owns them). (Hint: multiply by a
// $[N, 1]$ column of 0s and 1s.) This is `dojo.algos.resetMemory`; `RecurrentA2C` calls it after every
// step of its rollouts.

// %% [exercise]
/** [h, c] with the rows of the environments whose game ended set to zero. */
export function resetMemory(memory: [tf.Tensor2D, tf.Tensor2D], dones: boolean[]): [tf.Tensor2D, tf.Tensor2D] {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const keep = tf.tensor2d(
      dones.map((d) => [d ? 0 : 1]),
      [dones.length, 1],
    );
    return [tf.mul(memory[0], keep), tf.mul(memory[1], keep)] as [tf.Tensor2D, tf.Tensor2D];
  });
  // END SOLUTION
}

// %% [markdown]
// ## Learning through time, but not too far: truncated back-propagation
//
// To learn *what to remember*, the gradient of the loss at step $t$ must flow back through the memory
// into the steps before it. After each rollout the library replays it: from the memory $m_0$ the rollout
// started with, it runs the network over the $T$ recorded observations again, this time inside the
// gradient computation. Three rules make this right:
//
// - **carry**: step $t$ reads the memory step $t-1$ wrote;
// - **reset**: after step $t$, the rows of the games that ended with it are zeroed (your
//   `resetMemory`), exactly as while playing;
// - **detach**: $m_0$ is a constant. It was computed by earlier rollouts, with earlier weights;
//   back-propagating into them would mean keeping every step since the game began. Cutting the gradient
//   at the rollout's start is *truncated back-propagation through time*: gradients flow through at most
//   $T$ steps, while the memory itself still carries information across rollouts.
//
// ### Exercise 5.2 — the unroll
//
// `step(memory, x)` is one step of the network: it reads the memory and the step's input $x_t$ and
// returns the logits $[N, A]$, the values $[N]$ and the new memory. `inputs` holds the $T$ inputs, one
// $[N, \dots]$ batch per step, `dones[t][n]` the episode ends, `reset` is the function that zeroes
// finished games' rows. Return the logits $[T \cdot N, A]$ and values $[T \cdot N]$ concatenated step
// after step (row $t \cdot N + n$), and the memory after the last step, which is carried into the next
// rollout. To detach a tensor, rebuild it from its numbers (`tf.tensor2d(x.dataSync(), x.shape)` carries
// no gradient; `dojo.nn.stopGradient(x)` does the same without the copy). This is `dojo.algos.lstmUnroll`,
// the replay `RecurrentA2C` differentiates. There, $x_t$ is what the LSTM reads of step $t$'s frames
// (the convolutional trunk's features times the LSTM's input weights): nothing in the trunk depends on the
// memory, so it runs once over all $T \cdot N$ frames before your loop, and `step` is the LSTM cell and
// the two heads. Only the memory has to go step by step.

// %% [exercise]
/** The network over a rollout from the carried memory: detached at the start, reset at episode ends. */
export function lstmUnroll(
  step: (
    memory: [tf.Tensor2D, tf.Tensor2D],
    x: tf.Tensor,
  ) => { logits: tf.Tensor2D; value: tf.Tensor1D; memory: [tf.Tensor2D, tf.Tensor2D] },
  memory: [tf.Tensor2D, tf.Tensor2D],
  inputs: tf.Tensor[],
  dones: boolean[][],
  reset: (memory: [tf.Tensor2D, tf.Tensor2D], dones: boolean[]) => [tf.Tensor2D, tf.Tensor2D],
): { logits: tf.Tensor2D; values: tf.Tensor1D; memory: [tf.Tensor2D, tf.Tensor2D] } {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    // the memory carried in from the last rollout is a constant: gradients stop here
    let m: [tf.Tensor2D, tf.Tensor2D] = [
      tf.tensor2d(memory[0].dataSync(), memory[0].shape),
      tf.tensor2d(memory[1].dataSync(), memory[1].shape),
    ];
    const logits: tf.Tensor2D[] = [];
    const values: tf.Tensor1D[] = [];
    for (let t = 0; t < inputs.length; t++) {
      const out = step(m, inputs[t]);
      logits.push(out.logits);
      values.push(out.value);
      m = reset(out.memory, dones[t]); // games that ended with step t start the next one afresh
    }
    return { logits: tf.concat(logits) as tf.Tensor2D, values: tf.concat(values) as tf.Tensor1D, memory: m };
  });
  // END SOLUTION
}

// %% [markdown]
// ## The actor-critic objective
//
// For a rollout of $T$ steps in $N$ games, with $n$-step returns $G_t$ bootstrapped from $V(s_T)$ and
// advantages $A_t = G_t - V(s_t)$, the loss is chapter 3's, over the $T \cdot N$ steps of the replay:
//
// $$L = -\frac{1}{TN}\sum_{t,n} \log \pi(a_t \mid s_t)\, A_t \;+\; c_V \frac{1}{TN}\sum_{t,n} \big(G_t - V(s_t)\big)^2 \;-\; c_H \frac{1}{TN}\sum_{t,n} H\big(\pi(\cdot \mid s_t)\big),$$
//
// with $G$ and $A$ held constant (numbers computed from the values the critic gave while playing).
//
// ### Exercise 5.3 — $n$-step advantages
//
// Arrays are *time-major*: `rewards[t][n]`. `values` has $T + 1$ rows: $V(s_0), \dots, V(s_{T-1})$ and
// the bootstrap $V(s_T)$. This is `dojo.algos.nStepAdvantages`; `RecurrentA2C` computes its
// advantages with it, and its critic targets as $G = A + V$.

// %% [exercise]
/** A[t][n] = G[t][n] - V(s_t), n-step returns bootstrapped from values[T], cut at episode ends. */
export function nStepAdvantages(rewards: number[][], dones: boolean[][], values: number[][], gamma: number): number[][] {
  // BEGIN SOLUTION
  const T = rewards.length;
  const advantages: number[][] = new Array(T);
  let future = values[T].slice();
  for (let t = T - 1; t >= 0; t--) {
    future = future.map((g, n) => rewards[t][n] + (dones[t][n] ? 0 : gamma * g));
    advantages[t] = future.map((g, n) => g - values[t][n]);
  }
  return advantages;
  // END SOLUTION
}

// %% [markdown]
// ## Reading a noisy curve: the moving average
//
// Game scores jump around. An exponentially weighted moving average with span $s$ uses
// $\alpha = 2/(s+1)$ and weights the value from $k$ evaluations ago by $(1-\alpha)^k$; dividing by
// the sum of the weights used so far keeps the first points from being dragged towards zero:
//
// $$\bar y_t = \frac{\sum_{i \le t} (1-\alpha)^{t-i} y_i}{\sum_{i \le t} (1-\alpha)^{t-i}}.$$
//
// ### Exercise 5.4 — EWMA
//
// This is `dojo.viz.ewma`, which draws the smoothed curves of `dojo.viz.trainingCurves` and the
// reports; the plots below draw with yours.

// %% [exercise]
/** Bias-corrected exponentially weighted moving average with alpha = 2 / (span + 1). */
export function ewma(xs: number[], span: number): number[] {
  // BEGIN SOLUTION
  const keep = 1 - 2 / (span + 1);
  let weighted = 0;
  let weights = 0;
  return xs.map((x) => {
    weighted = x + keep * weighted;
    weights = 1 + keep * weights;
    return weighted / weights;
  });
  // END SOLUTION
}

// %% [markdown]
// ## What memory buys: a control experiment
//
// Kung-Fu needs an hour of training before memory shows, so first a task built to need it: CartPole
// with the **velocities hidden**. The observation keeps the cart's position and the pole's angle and
// drops their rates of change; a policy that sees one observation cannot tell a pole swinging up from
// one falling down, but one that remembers the last few can. We train the recurrent agent (with your
// three functions) and, as the control, the feed-forward actor-critic of chapter 4 (`SyncA3C`), with
// everything else equal: 8 environments, rollouts of 10 steps, the same step size, loss weights, reward
// scale, clipping and hidden width. Several seeds per agent, drawn as a band (lowest to highest seed),
// since one seed can mislead.

// %%
/** CartPole-v1 with the cart's velocity and the pole's angular velocity removed from the observation. */
class HideVelocity implements dojo.envs.Env<Float32Array, number> {
  readonly observationSpace = new dojo.envs.Box(-Infinity, Infinity, [2]);
  constructor(private readonly inner: dojo.envs.Env<Float32Array, number>) {}
  get actionSpace() {
    return this.inner.actionSpace;
  }
  private hide(o: Float32Array): Float32Array {
    return Float32Array.of(o[0], o[2]);
  }
  reset(args?: dojo.envs.ResetArgs) {
    const r = this.inner.reset(args);
    return { ...r, obs: this.hide(r.obs) };
  }
  step(action: number) {
    const r = this.inner.step(action);
    return { ...r, obs: this.hide(r.obs) };
  }
  render() {
    return this.inner.render();
  }
  close() {
    this.inner.close();
  }
}
dojo.envs.register({
  id: 'CartPoleNoVelocity-v1',
  description: 'CartPole-v1 seeing only the cart position and the pole angle',
  create: () => new HideVelocity(dojo.envs.make('CartPole-v1') as dojo.envs.Env<Float32Array, number>),
});

// (written out in full: the notebook kernel, tslab, does not see earlier cells' functions through shorthand properties)
const parts = dojo.grading.learnerParts({ resetMemory: resetMemory, lstmUnroll: lstmUnroll, nStepAdvantages: nStepAdvantages });
const smooth = dojo.grading.learnerParts({ ewma: ewma }).ewma;
const CONTROL_STEPS = pick({ ci: 2_000, book: 60_000, full: 100_000 });
const SEEDS = pick({ ci: [1], book: [1, 2, 3], full: [1, 2, 3, 4, 5] });
const BINS = 20;
const shared = {
  envId: 'CartPoleNoVelocity-v1',
  gamma: 0.99,
  lr: 3e-3,
  entropyCoef: 0.01,
  valueCoef: 0.5,
  rewardScale: 0.01,
  maxGradNorm: 5,
  hidden: 32,
};
/** Mean game length in each of BINS equal slices of the run (the previous slice's where none ended). */
async function curve(algo: dojo.algos.Algorithm): Promise<number[]> {
  const out = new Array<number>(BINS).fill(NaN);
  const sums = new Array<number>(BINS).fill(0);
  const counts = new Array<number>(BINS).fill(0);
  for (let steps = 0; steps < CONTROL_STEPS; ) {
    const r = await algo.update();
    steps += r.envSteps;
    const bin = Math.min(BINS - 1, Math.floor((steps / CONTROL_STEPS) * BINS));
    for (const g of r.episodeReturns) {
      sums[bin] += g;
      counts[bin]++;
    }
  }
  for (let b = 0; b < BINS; b++) out[b] = counts[b] ? sums[b] / counts[b] : b > 0 ? out[b - 1] : NaN;
  await algo.dispose();
  return out;
}
const lstmCurves: number[][] = [];
const ffCurves: number[][] = [];
for (const seed of SEEDS) {
  lstmCurves.push(await curve(new dojo.algos.RecurrentA2C({ ...shared, seed, numEnvs: 8, rolloutLength: 10, units: 32 }, parts)));
  ffCurves.push(await curve(new dojo.algos.SyncA3C({ ...shared, seed, numEnvs: 8, nSteps: 10 })));
}

// %%
const binX = Array.from({ length: BINS }, (_, b) => Math.round(((b + 1) * CONTROL_STEPS) / BINS));
const band = (curves: number[][], name: string, color: string) => {
  const lo = binX.map((_, b) => Math.min(...curves.map((c) => c[b])));
  const hi = binX.map((_, b) => Math.max(...curves.map((c) => c[b])));
  const mid = binX.map((_, b) => curves.reduce((s, c) => s + c[b], 0) / curves.length);
  return [
    {
      x: [...binX, ...binX.slice().reverse()],
      y: [...hi, ...lo.slice().reverse()],
      fill: 'toself',
      fillcolor: color,
      opacity: 0.25,
      line: { width: 0 },
      name: `${name}, seeds' range`,
      hoverinfo: 'skip',
    },
    { x: binX, y: mid, name: `${name}, mean of ${curves.length} seed(s)`, mode: 'lines', line: { color } },
  ];
};
dojo.viz.showPlot({
  data: [...band(lstmCurves, 'LSTM', '#1f77b4'), ...band(ffCurves, 'feed-forward', '#d62728')],
  layout: {
    title: 'CartPole without velocities: what memory buys',
    xaxis: { title: 'environment steps' },
    yaxis: { title: 'game length (steps balanced)' },
  },
});
const lastFifth = (c: number[]) => c.slice(-Math.max(1, BINS / 5)).reduce((a, b) => a + b, 0) / Math.max(1, BINS / 5);
const lstmEnd = lstmCurves.map(lastFifth);
const ffEnd = ffCurves.map(lastFifth);
const fmtList = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
console.log(`last fifth of training, mean game length per seed: LSTM ${fmtList(lstmEnd)}; feed-forward ${fmtList(ffEnd)}`);
const everySeed = lstmEnd.every((x, i) => x > ffEnd[i]);
const meanList = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  dojo.viz.compare(
    'mean game length, last fifth of training',
    { name: 'LSTM', value: meanList(lstmEnd) },
    { name: 'feed-forward', value: meanList(ffEnd) },
    { digits: 0 },
  ),
);
console.log(
  everySeed
    ? `the recurrent agent balanced longer on every one of the ${lstmEnd.length} seeds`
    : `the recurrent agent was not ahead on every seed (${lstmEnd.filter((x, i) => x > ffEnd[i]).length} of ${lstmEnd.length}): at this budget the comparison is inconclusive`,
);

// %% [markdown]
// Each band spans the seeds, the line is their mean; the x-axis is experience (environment steps), so
// the agents are compared for the same number of games' worth of data. The two lines printed above read
// the figure: the mean game length per seed over the last fifth of training, the two agents' means
// side by side, and whether the recurrent agent was ahead on every seed. The feed-forward agent can only react to where the pole *is*; the
// recurrent agent can infer from its memory where the pole is *going*, which is what balancing needs.
// Memory costs time, though: the recurrent agent replays each rollout step by step.
//
// ## Training on Kung-Fu Master
//
// The same `RecurrentA2C`, with your functions, on the game: 5 games in parallel, rollouts of 10 steps
// with carried memory, the loss above with Adam, gradients clipped. It uses the two changes that lifted
// chapter 4's A3C past 10,000 points: a lost life ends the episode for learning (`episodicLife: true`;
// the game goes on and evaluation plays whole games), and the step size decays linearly to zero over the
// run (`setLearningRateScale` before each update). Every so often we play one evaluation game and
// record its score and the policy entropy.
//
// The homework threshold of the original exercise is a score of 10,000. The course's learning
// benchmark ran exactly this setup for one hour on a 2-core machine (32,000 updates, the `full` budget
// below): over 20 evaluation games it averaged about 19,500 points (greedy play: about 13,700). The
// `book` budget stops after a few minutes, early in the climb.

// %%
// Practical_RL's crop (the playfield without the score bars), then 42x42 greyscale, 4 stacked frames.
const ENV_ID = 'Preprocessed42Crop/KungFuMasterDeterministic-v0';
const rnn = new dojo.algos.RecurrentA2C({ envId: ENV_ID, numEnvs: 5, rolloutLength: 10, episodicLife: true, seed: 0 }, parts);
const scores: number[] = [];
const entropies: number[] = [];
const evalEnv = dojo.algos.makeEnv(ENV_ID);
const UPDATES = pick({ ci: 5, book: 1500, full: 32000 });
const EVAL_EVERY = pick({ ci: 5, book: 100, full: 100 });
for (let u = 1; u <= UPDATES; u++) {
  rnn.setLearningRateScale(1 - (u - 1) / UPDATES);
  const r = await rnn.update();
  if (u % EVAL_EVERY === 0) {
    scores.push(dojo.algos.evaluate(evalEnv, rnn.evalAgent(new dojo.Rng(u)), 1, u, pick({ ci: 300, book: 20_000, full: 100_000 })).mean);
    entropies.push(r.metrics['policy/entropy']);
    console.log(`update ${u}: score ${scores[scores.length - 1]}, entropy ${entropies[entropies.length - 1].toFixed(3)}`);
    if (scores[scores.length - 1] >= 10_000) console.log('the agent has passed the 10,000-point threshold');
  }
}

// %%
const evalX = scores.map((_, i) => (i + 1) * EVAL_EVERY);
dojo.viz.showPlot({
  data: [
    { x: evalX, y: scores, name: 'score', mode: 'lines+markers' },
    { x: evalX, y: smooth(scores, 10), name: 'EWMA, span 10 (your ewma)', mode: 'lines', line: { width: 3 } },
  ],
  layout: { title: 'Recurrent actor-critic on Kung-Fu Master', xaxis: { title: 'update' }, yaxis: { title: 'evaluation score' } },
});
dojo.viz.showPlot({
  data: [
    { x: evalX, y: entropies, name: 'policy entropy', mode: 'lines' },
    { x: [0, UPDATES], y: [Math.log(N_ACTIONS), Math.log(N_ACTIONS)], name: 'uniform (ln 14)', mode: 'lines', line: { dash: 'dot' } },
    { x: [0, UPDATES], y: [0.1, 0.1], name: 'danger zone', mode: 'lines', line: { dash: 'dash' } },
  ],
  layout: { title: 'Policy entropy (nats)', xaxis: { title: 'update' }, yaxis: { title: 'entropy' } },
});
if (scores.length >= 2) {
  const trend = smooth(scores, 10);
  console.log(
    dojo.viz.compare(
      'smoothed evaluation score',
      { name: `at update ${evalX[evalX.length - 1]}`, value: trend[trend.length - 1] },
      { name: `at update ${evalX[0]}`, value: trend[0] },
      { digits: 0 },
    ),
  );
  const lastEntropy = entropies[entropies.length - 1];
  console.log(
    `policy entropy: ${entropies[0].toFixed(2)} nats at the first evaluation, ${lastEntropy.toFixed(2)} at the last ` +
      `(uniform: ${Math.log(N_ACTIONS).toFixed(2)}; danger zone below 0.1): ` +
      (lastEntropy < 0.1
        ? 'collapsed'
        : lastEntropy > 0.95 * Math.log(N_ACTIONS)
          ? 'still near uniform'
          : 'between the two, as it should be'),
  );
}

// %% [markdown]
// The first figure is one evaluation game every few updates (a noisy measure: one game) and its
// moving average, which is what to judge; the second follows the policy's entropy from uniform play
// down. The lines printed under them compare the smoothed score at the end with the one at the start,
// and place the last entropy between uniform play and collapse.

// %% [markdown]
// ### Warning signs
//
// - **Scores fluctuate wildly.** Normal; judge the moving average.
// - **The score drops to 0 and stays there for several evaluations.** Something broke: look at the
//   logits and values for NaN or huge numbers.
// - **Entropy falls below about 0.1 early and stays there.** The policy has collapsed onto a few
//   actions before it learned to play. Check the sign of the entropy term, raise its coefficient, or
//   clip gradients harder.
// - **Entropy stays at $\ln 14 \approx 2.64$.** The policy is not learning at all: check the sign of
//   the policy term and that the advantage is not always zero.
//
// ## Final evaluation: 20 games

// %%
const final = dojo.algos.evaluate(
  evalEnv,
  rnn.evalAgent(new dojo.Rng(2024)),
  pick({ ci: 1, book: 20, full: 20 }),
  9000,
  pick({ ci: 300, book: 20_000, full: 100_000 }),
);
console.log(`final mean score over ${final.episodes} games: ${final.mean.toFixed(0)} (std ${final.std.toFixed(0)}, best ${final.max})`);
const player = rnn.evalAgent(new dojo.Rng(3));
player.reset();
const game = dojo.viz.recordEpisode(evalEnv, (o) => player.act(o), {
  seed: 5,
  every: 2,
  maxSteps: pick({ ci: 40, book: 2000, full: 4000 }),
});
console.log(`recorded game: score ${game.totalReward} in ${game.length} steps`);
dojo.viz.showGif(dojo.viz.toGif(game.frames, { fps: 15 }));
await rnn.dispose();
agent.dispose();

// %% [markdown]
// ## What to remember
//
// - When the observation hides part of the state, give the agent memory; an LSTM carries $(h, c)$
//   from step to step.
// - Rollouts are windows onto long games: carry the memory between them, reset it exactly at
//   episode ends, and cut the gradient at the rollout's start (truncated back-propagation through time).
// - The objective combines the policy term with constant $n$-step advantages, the critic's TD
//   regression and an entropy bonus.
// - On a task that hides what matters (CartPole without velocities), memory is the difference between
//   reacting and anticipating; the feed-forward control shows how much.
// - Watch the moving average of the score and the entropy; a collapsed entropy is the most common
//   sign of trouble.
