// %% [markdown]
// # Chapter 3 — Advantage actor-critic (A2C)
//
// **By the end of this chapter you will be able to**
//
// - explain why subtracting a baseline from the return leaves the policy gradient unbiased but can
//   shrink its variance a lot;
// - define the advantage $A(s, a) = Q(s, a) - V(s)$ and estimate it with a learned critic;
// - write the critic's loss and the full A2C loss, holding the advantage constant in the actor term;
// - train the actor-critic with your own functions, on CartPole and on Atari pixels with a shared trunk;
// - measure the variance of the gradient with and without the critic;

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
// ## Why a baseline?
//
// Suppose in some state three actions lead to returns $Q_1$, $Q_2$, $Q_3$, with
// $Q_1 > Q_2 > 0$ and $Q_3 < 0$ but tiny in magnitude. The REINFORCE gradient pushes up the first
// two actions (strongly, then less) and pushes the third down a little. Sensible.
//
// Now add the same constant to all three so that $Q_3$ becomes slightly *positive*; every difference
// $Q_i - Q_j$ is unchanged, so which action is best is unchanged. Yet now every sampled action is
// pushed *up*. What matters is only how an action compares with the alternatives, but the raw
// gradient also follows the overall level of the returns. Across episodes that level swings, and so
// does the gradient: high variance, slow learning.
//
// The fix is to subtract a **baseline** $b(s)$ that depends on the state but not on the action:
//
// $$\nabla_\theta J = \mathbb{E}\Big[\sum_t \big(G_t - b(s_t)\big)\, \nabla_\theta \log \pi_\theta(a_t \mid s_t)\Big].$$
//
// It does not bias the gradient, because
// $\mathbb{E}_{a \sim \pi}[\nabla_\theta \log \pi_\theta(a \mid s)] = \sum_a \nabla_\theta \pi_\theta(a \mid s) = \nabla_\theta 1 = 0$:
// whatever we subtract averages out. But a good baseline makes the weights small and centred, which
// makes the estimate far less noisy. The mean return of the batch is a simple baseline (chapter 1
// used it). The best simple choice is the state's value $V(s)$, the expected return from $s$.
//
// ## Advantage, actor and critic
//
// With $b(s) = V(s)$ the weight of each action is its **advantage**
//
// $$A(s_t, a_t) = Q(s_t, a_t) - V(s_t) \approx G_t - V(s_t):$$
//
// how much better this action turned out than what the state promised on average. We do not know
// $V$, so a second network, the **critic** $V_\phi(s)$, learns it by regression on the observed
// returns. The policy network is the **actor**.
//
// ### Exercise 3.1 — advantages of one episode

// %% [exercise]
/** A_t = G_t - V(s_t) for one complete episode (G_t: discounted return-to-go). */
export function advantageEstimates(rewards: number[], values: number[], gamma: number): number[] {
  // BEGIN SOLUTION
  const advantages = new Array<number>(rewards.length);
  let future = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    future = rewards[t] + gamma * future;
    advantages[t] = future - values[t];
  }
  return advantages;
  // END SOLUTION
}

// %% [markdown]
// ### Exercise 3.2 — the critic's loss
//
// The critic is fitted by least squares: $L_V = \frac{1}{T}\sum_t \big(G_t - V_\phi(s_t)\big)^2$.
// `values` is the critic's output, a tensor $[T]$: the loss must be built from it with tf operations,
// because the critic learns through this loss's gradient with respect to `values`. The returns are
// plain numbers (targets, constants).

// %% [exercise]
/** Mean squared error between the critic's values (a tensor) and the observed returns, as a scalar tensor. */
export function criticLoss(values: tf.Tensor1D, returns: number[]): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.tensor1d(returns), values))) as tf.Scalar);
  // END SOLUTION
}

// %% [markdown]
// ## The A2C loss
//
// Actor and critic are trained together by minimising
//
// $$L = \underbrace{-\frac{1}{T}\sum_t \log \pi_\theta(a_t \mid s_t)\, \hat A_t}_{\text{actor}}
//     \; + \; c_V \underbrace{\frac{1}{T}\sum_t \big(G_t - V_\phi(s_t)\big)^2}_{\text{critic}}
//     \; - \; c_H \underbrace{\frac{1}{T}\sum_t H(\pi_\theta(\cdot \mid s_t))}_{\text{entropy}}.$$
//
// In the actor term, $\hat A_t$ is a **constant**: the actor should move its probabilities, not
// change the critic so that the advantage looks better. The simplest way to guarantee it is the one
// the library uses: compute the advantages *before* the update, from the critic's values read out as
// plain numbers (your `advantageEstimates`), and hand them to the loss as a `number[]`. A tensor built
// from plain numbers has no history, so no gradient can flow from the actor term into the critic.
// (Inside a single graph, `dojo.nn.stopGradient(x)` does the same for a tensor.) The critic term, in
// contrast, uses the `values` *tensor* with its gradient: that is how the critic learns. Your
// `criticLoss` is exactly that term.
//
// ### Exercise 3.3 — the full loss
//
// `logits` is $[T, A]$, `values` is $[T]$, `advantages` and `returns` are plain arrays of length $T$.
// When the coefficients are left out, $c_V = 0.5$ and $c_H = 0.01$. The check compares your loss and
// its gradients with respect to `logits` and `values`, term by term (each term alone, the entropy
// bonus with its coefficient of 0.01 included), so a term that carries no gradient shows up there.

// %% [exercise]
/** Actor + valueCoef * critic - entropyCoef * entropy, each a mean over the batch. */
export function a2cLoss(
  logits: tf.Tensor2D,
  values: tf.Tensor1D,
  actions: number[],
  advantages: number[],
  returns: number[],
  valueCoef = 0.5,
  entropyCoef = 0.01,
): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(actions, logits.shape[1])), 1);
    const actor = tf.neg(tf.mean(tf.mul(taken, tf.tensor1d(advantages))));
    const critic = criticLoss(values, returns);
    const meanEntropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1)));
    return tf.sub(tf.add(actor, tf.mul(valueCoef, critic)), tf.mul(entropyCoef, meanEntropy)) as tf.Scalar;
  });
  // END SOLUTION
}

// %% [markdown]
// ## A2C on CartPole
//
// The library's `A2C` trains with **your three functions** (`learnerParts`, as in chapters 1 and 2).
// One update:
//
// 1. play 8 complete episodes on 8 environments in lockstep (acting as in chapter 1);
// 2. read the critic's values $V(s_t)$ of every visited state out as plain numbers;
// 3. per episode, the critic's targets $G_t$ (the library's `returnsToGo`) and the advantages
//    `advantageEstimates(rewards, V, gamma)` (yours; `gaeLambda: 1` selects exactly this advantage);
// 4. the library's `normalize` shifts and scales the batch's advantages to mean 0, standard
//    deviation 1 (`normalizeAdvantages`, on by default: it keeps the actor's step size independent of
//    the scale of the returns);
// 5. one Adam step on `a2cLoss(logits, values, actions, advantages, G, 0.5, 0.01)` (yours, already a
//    mean over steps, so nothing is rescaled), with the gradient clipped to norm 1.
//
// The "critic MSE" printed below is your `criticLoss` of the values before the step. The actor and
// the critic are separate 128-unit networks here (like swatting a fly with a sledgehammer on
// CartPole, but it shows the mechanics). Settings: $\gamma = 0.99$, learning rate $0.01$.

// %%
const TARGET = 180;
const parts = dojo.grading.learnerParts({ advantageEstimates: advantageEstimates, criticLoss: criticLoss, a2cLoss: a2cLoss });
const a2cConfig = { envId: 'CartPole-v1', seed: 4, gamma: 0.99, gaeLambda: 1, lr: 0.01, numEnvs: 8, episodesPerUpdate: 8 };
const a2c = new dojo.algos.A2C(a2cConfig, parts);
const evalEnv = dojo.envs.make('CartPole-v1') as dojo.envs.Env<Float32Array, number>;
const history: { update: number; train: number; valueMse: number; evalMean?: number }[] = [];
const maxUpdates = pick({ ci: 3, book: 150, full: 500 });
// As in chapter 1, the loop ends with the agent of its best evaluation (dojo.algos.train's best/).
let best: { update: number; evalMean: number; snapshot: dojo.algos.Snapshot } | null = null;
for (let u = 1; u <= maxUpdates; u++) {
  const r = a2c.update();
  const point: (typeof history)[number] = {
    update: u,
    train: r.episodeReturns.reduce((s, x) => s + x, 0) / r.episodeReturns.length,
    valueMse: r.metrics['value/mse'],
  };
  if (u % 5 === 0 || u === maxUpdates) {
    const evalMean = dojo.algos.evaluate(evalEnv, a2c.evalAgent(new dojo.Rng(u)), 10, 50_000 + u).mean;
    point.evalMean = evalMean;
    console.log(`update ${u}: train ${point.train.toFixed(1)}, critic MSE ${point.valueMse.toFixed(2)}, evaluation ${evalMean.toFixed(1)}`);
    if (best === null || evalMean > best.evalMean) best = { update: u, evalMean, snapshot: a2c.snapshot() };
  }
  history.push(point);
  if ((point.evalMean ?? 0) > TARGET) {
    console.log(`target ${TARGET} reached after ${u} updates`);
    break;
  }
}
if (best && best.update !== history[history.length - 1].update) {
  a2c.restore(best.snapshot);
  console.log(`ending with the agent of update ${best.update} (evaluation ${best.evalMean.toFixed(1)}), the best evaluated`);
}

// %%
const evals = history.filter((h) => h.evalMean !== undefined);
dojo.viz.showPlot({
  data: [
    { x: history.map((h) => h.update), y: history.map((h) => h.train), name: 'training episodes', mode: 'lines' },
    { x: evals.map((h) => h.update), y: evals.map((h) => h.evalMean), name: 'evaluation (10 games)', mode: 'lines+markers' },
  ],
  layout: { title: 'A2C on CartPole', xaxis: { title: 'update' }, yaxis: { title: 'return' } },
});
const reached = history.findIndex((h) => (h.evalMean ?? 0) > TARGET);
console.log(
  `How to read it: the evaluation line went from ${evals[0].evalMean?.toFixed(0)} at update ${evals[0].update} ` +
    `to ${evals[evals.length - 1].evalMean?.toFixed(0)} at update ${evals[evals.length - 1].update}; ` +
    (reached >= 0 ? `it passed the target ${TARGET} at update ${history[reached].update}.` : `it stayed below the target ${TARGET}.`),
);

// %% [markdown]
// ## Does the critic really reduce variance? Measure it
//
// On the same 20 episodes played by the trained policy we compute, episode by episode, the
// gradient of $\sum_t w_t \log \pi(a_t \mid s_t)$ with respect to the actor's parameters, once with
// $w_t = G_t$ (REINFORCE) and once with $w_t = G_t - V(s_t)$ (A2C). The *total variance* of these
// per-episode gradients (the sum over parameters of each parameter's variance) tells how noisy a
// one-episode estimate is. Both averages estimate the same gradient, on the same episodes; only the
// weights $w_t$ differ, so only the noise can. How much the critic helps depends on how well it has
// learned $V$: right after the agent reaches the target its values may still lag the returns of the now
// much longer episodes, while a critic trained longer removes more of the variance. The line printed
// below states the ratio this run measured, and its direction. Run the cell again after more updates
// to see it change.

// %%
const variance = a2c.policyGradientVariance(pick({ ci: 4, book: 20, full: 50 }), 123);
console.log(`total gradient variance without a baseline: ${variance.withoutBaseline.toExponential(3)}`);
console.log(`total gradient variance with the critic:    ${variance.withBaseline.toExponential(3)}`);
console.log(
  dojo.viz.describeRatio(variance.withBaseline, variance.withoutBaseline, {
    subject: 'with the critic the variance',
    reference: 'the plain REINFORCE variance',
    lowerIsBetter: true,
  }),
);
dojo.viz.showPlot({
  data: [{ type: 'bar', x: ['G_t (REINFORCE)', 'G_t - V(s_t) (A2C)'], y: [variance.withoutBaseline, variance.withBaseline] }],
  layout: { title: 'Variance of the one-episode policy gradient', yaxis: { title: 'total variance', type: 'log' } },
});
const quieter = variance.withBaseline < variance.withoutBaseline ? 'G_t - V(s_t) (A2C)' : 'G_t (REINFORCE)';
console.log(`The bars show the same two numbers on a log scale; the shorter one, the less noisy estimate, is ${quieter}.`);

// %%
const agent = a2c.evalAgent(new dojo.Rng(5));
agent.reset();
const gameSteps = pick({ ci: 20, book: 500, full: 500 });
const game = dojo.viz.recordEpisode(evalEnv, (obs) => agent.act(obs), { seed: 99, every: 2, maxSteps: gameSteps });
const fate = game.length >= gameSteps ? `was still up when the recording stopped at ${gameSteps} steps` : `fell after ${game.length} steps`;
console.log(`A2C test game: return ${game.totalReward}; in the GIF below the pole ${fate}`);
dojo.viz.showGif(dojo.viz.toGif(game.frames, { fps: 25 }));

// %% [markdown]
// ## From four numbers to pixels: a shared trunk
//
// On CartPole the actor and critic each read four numbers. On an Atari screen both have to find
// the same things first: where the player is, where the enemies are. It is wasteful to learn those
// features twice, so pixel agents share one convolutional **trunk** and put two small **heads** on
// top: a policy head with one logit per action and a value head with one number. The shared
// features receive gradient from both losses; the critic's regression target, which is dense and
// arrives every step, helps the trunk learn features that the noisy policy gradient alone would
// find slowly.
//
// Below is the network: three 3×3 convolutions with stride 2 on a stack of four 42×42 grayscale
// frames, a dense layer of 128, and the two heads. We count its parameters, then feed it a real game
// screen: the frame the player sees, and beside it the four small grey frames the network sees.

// %%
const net = dojo.nn.a3cNet({ nActions: 14, seed: 0 });
const sizes = new Map<string, number>();
for (const p of net.params.layout) {
  const part = p.name.split('/')[0];
  sizes.set(part, (sizes.get(part) ?? 0) + p.size);
}
console.table([...sizes].map(([part, n]) => ({ part, parameters: n })));
net.dispose();

// A real observation: the Kung-Fu Master screen, cropped, shrunk to 42x42 grey, 4 frames stacked.
const pixelEnv = new dojo.envs.PreprocessAtari(dojo.envs.make('KungFuMasterDeterministic-v0') as dojo.envs.Env<Uint8Array, number>, {
  crop: 'practical_rl',
  channelOrder: 'channels-last',
});
let pixels = pixelEnv.reset({ seed: 0 }).obs;
for (let i = 0; i < 40; i++) pixels = pixelEnv.step(i % 14).obs;
dojo.viz.showPng(dojo.viz.encodePng(dojo.viz.sideBySide(pixelEnv.render(), pixels, [42, 42, 4], { channelOrder: 'channels-last' })));
console.log('Left: the screen as the player sees it. Right: the four 42x42 grey frames the network receives, oldest first.');
pixelEnv.close();

// %% [markdown]
// ## Training the shared trunk on Kung-Fu Master, with your loss
//
// Now on pixels: the environment id `Preprocessed42Crop/KungFuMasterDeterministic-v0` is the game with
// Practical_RL's crop and the 42×42×4 preprocessing above, and the network is the shared-trunk one whose
// parameters we counted. The update is the one of this chapter with one change that pixels demand.
// Complete episodes are too slow a clock here: a life lasts hundreds of steps, so an agent that waits
// for whole episodes gets only a few dozen gradient steps in a few minutes, and its policy barely moves
// from uniform. Instead, 10 games run side by side and every **5 steps** the agent updates on the
// $5 \times 10$ steps it just played, with targets that are the rewards of those 5 steps plus the
// critic's value of the state reached, $\gamma^k V(s_{t+k})$, in place of the rest of the episode
// (the library's `nStepReturns`; chapter 4 derives them and has you write them). Everything else is
// this chapter's: the advantage $G_t - V(s_t)$, held constant, and one Adam step on **your `a2cLoss`**
// (critic weight $0.5$, entropy weight $0.01$, step size $10^{-3}$, gradient clipped to norm 40).
// Two settings are specific to the game: `episodicLife` ends an episode for learning when the player
// loses a life (the game goes on), and every reward is multiplied by $0.01$ before it enters a target
// (Kung-Fu pays 100-3000 points per enemy; the critic regresses on small numbers more easily).
//
// We record the score of every life (unscaled points) and, after every update, the entropy of the
// policy on the batch: $\ln 14 \approx 2.64$ nats is no preference among the 14 actions.

// %%
const PIXEL_ENV = 'Preprocessed42Crop/KungFuMasterDeterministic-v0';
const N_ENVS = 10;
const N_STEPS = 5;
const PIXEL_STEPS = pick({ ci: 500, book: 60_000, full: 400_000 });
const pixelEnvs = Array.from({ length: N_ENVS }, () => dojo.algos.makeEnv(PIXEL_ENV, { episodicLife: true }));
const OBS = [42, 42, 4];
const obsSize = 42 * 42 * 4;
const pixelNet = dojo.nn.a3cNet({ nActions: 14, seed: 7 });
const pixelGroup = new dojo.nn.ParamGroup([pixelNet]);
const pixelRng = new dojo.Rng(7);
const optimiser = new dojo.algos.TrainingCore(pixelGroup, { action: pixelRng });
const current = new Float32Array(N_ENVS * obsSize);
pixelEnvs.forEach((e, n) => current.set(e.reset({ seed: 100 + n }).obs, n * obsSize));
const lifeSoFar = new Array<number>(N_ENVS).fill(0);
const lives: { step: number; score: number }[] = [];
const entropyCurve: { step: number; entropy: number }[] = [];
const forwardNumbers = (o: Float32Array, rows: number) =>
  tf.tidy(() => {
    const out = pixelNet.forward(tf.tensor(o, [rows, ...OBS]));
    return { logits: out.logits.dataSync() as Float32Array, values: Array.from(out.value.dataSync()) };
  });
for (let played = 0; played < PIXEL_STEPS; ) {
  const batchObs = new Float32Array(N_STEPS * N_ENVS * obsSize);
  const actions: number[] = [];
  const rewards: number[][] = [];
  const dones: boolean[][] = [];
  const values: number[][] = [];
  for (let t = 0; t < N_STEPS; t++) {
    batchObs.set(current, t * N_ENVS * obsSize);
    const { logits, values: v } = forwardNumbers(current, N_ENVS);
    const a = dojo.algos.sampleActions(logits, N_ENVS, 14, pixelRng);
    values.push(v);
    rewards.push([]);
    dones.push([]);
    for (let n = 0; n < N_ENVS; n++) {
      const step = pixelEnvs[n].step(a[n]);
      const done = step.terminated || step.truncated;
      actions.push(a[n]);
      rewards[t].push(0.01 * step.reward);
      dones[t].push(done);
      lifeSoFar[n] += step.reward;
      if (done) {
        lives.push({ step: played + (t + 1) * N_ENVS, score: lifeSoFar[n] });
        lifeSoFar[n] = 0;
      }
      current.set(done ? pixelEnvs[n].reset().obs : step.obs, n * obsSize);
    }
  }
  played += N_STEPS * N_ENVS;
  const bootstrap = forwardNumbers(current, N_ENVS).values;
  const targets = dojo.algos.nStepReturns(rewards, dones, bootstrap, 0.99);
  const advantages = targets.flatMap((row, t) => row.map((g, n) => g - values[t][n]));
  let batchEntropy = 0;
  const { grad } = pixelGroup.gradients(() => {
    const out = pixelNet.forward(tf.tensor(batchObs, [N_STEPS * N_ENVS, ...OBS]));
    batchEntropy = tf.tidy(() => dojo.nn.entropyOfLogits(out.logits).mean().dataSync()[0]);
    return parts.a2cLoss(out.logits as tf.Tensor2D, out.value, actions, advantages, targets.flat(), 0.5, 0.01);
  });
  optimiser.step(grad, 1e-3, 40);
  entropyCurve.push({ step: played, entropy: batchEntropy });
  if (played % 10_000 === 0 || played >= PIXEL_STEPS) {
    console.log(`${played} steps: ${lives.length} lives played, policy entropy ${batchEntropy.toFixed(3)}`);
  }
}
for (const e of pixelEnvs) e.close();

// %%
const pixelBins = 10;
const binEdges = Array.from({ length: pixelBins }, (_, b) => Math.round(((b + 1) * PIXEL_STEPS) / pixelBins));
const binMean = (xs: { step: number }[], value: (x: never) => number, b: number) => {
  const lo = b === 0 ? 0 : binEdges[b - 1];
  const inBin = xs.filter((x) => x.step > lo && x.step <= binEdges[b]) as never[];
  return inBin.length ? inBin.reduce((s, x) => s + value(x), 0) / inBin.length : NaN;
};
const scoreBins = binEdges.map((_, b) => binMean(lives, (x: { score: number }) => x.score, b));
const entropyBins = binEdges.map((_, b) => binMean(entropyCurve, (x: { entropy: number }) => x.entropy, b));
dojo.viz.showPlot({
  data: [
    { x: lives.map((l) => l.step), y: lives.map((l) => l.score), name: 'one life', mode: 'markers', opacity: 0.3 },
    { x: binEdges, y: scoreBins, name: `mean per tenth of the run`, mode: 'lines+markers' },
    { x: binEdges, y: entropyBins, name: 'policy entropy (nats)', mode: 'lines', yaxis: 'y2' },
  ],
  layout: {
    title: 'Shared-trunk actor-critic on Kung-Fu Master pixels (your a2cLoss)',
    xaxis: { title: 'environment steps' },
    yaxis: { title: 'score per life' },
    yaxis2: { title: 'entropy (nats)', overlaying: 'y', side: 'right' },
  },
});
const meanOfBins = (xs: number[]) => {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
};
const firstPart = Math.max(1, Math.floor(pixelBins / 3));
const scoreEarly = meanOfBins(scoreBins.slice(0, firstPart));
const scoreLate = meanOfBins(scoreBins.slice(-firstPart));
const entropyEarly = meanOfBins(entropyBins.slice(0, firstPart));
const entropyLate = meanOfBins(entropyBins.slice(-firstPart));
if (Number.isFinite(scoreEarly) && Number.isFinite(scoreLate)) {
  console.log(
    dojo.viz.compare(
      'mean score per life',
      { name: 'last third of the run', value: scoreLate },
      { name: 'first third', value: scoreEarly },
      { digits: 0, lowerIsBetter: false },
    ),
  );
}
console.log(
  `${dojo.viz.compare(
    'policy entropy (nats)',
    { name: 'last third of the run', value: entropyLate },
    { name: 'first third', value: entropyEarly },
    { digits: 3 },
  )}; uniform over 14 actions: ${Math.log(14).toFixed(3)}`,
);
const learned = entropyLate < Math.log(14) - 0.02 && scoreLate > scoreEarly;
console.log(
  learned
    ? 'The policy has left uniform play and the lives score more: the loss you wrote is training the pixel network, trunk and both heads.'
    : 'At this budget the policy has not clearly left uniform play (see the two lines above); a longer run (the full budget) shows the climb.',
);
pixelNet.dispose();
// %% [markdown]
// How to read it: each faint dot is one life (its score in points), the line with markers is the mean
// of the lives that ended in each tenth of the run, and the line on the right-hand axis is the policy's
// entropy. Learning shows as the entropy leaving $\ln 14$ and the score per life rising; the lines printed
// under the figure compare the last third of the run with the first, from this run's own numbers. It is
// one seed, and single lives vary by hundreds of points, so read the means, not the dots. Agents on this
// game need millions of frames before they fight well; chapter 4 trains the same network for longer,
// with many environments and, finally, truly asynchronous workers.

// %% [markdown]
// ## What to remember
//
// - A state-dependent baseline leaves the policy gradient unbiased; a well-fitted $V(s)$ makes it less
//   noisy, by how much depends on how well the critic has learned (measured above).
// - The advantage $A = G - V$ weights each action by how much better than expected it did.
// - A2C minimises actor loss + $c_V \cdot$ critic loss $- c_H \cdot$ entropy, with the advantage held
//   constant in the actor term.
// - On pixels, actor and critic share a convolutional trunk; your loss trained one on Kung-Fu Master
//   above. Chapter 4 trains it for longer, with many environments and truly asynchronous workers.
