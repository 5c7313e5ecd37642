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
  }
  history.push(point);
  if ((point.evalMean ?? 0) > TARGET) {
    console.log(`target ${TARGET} reached after ${u} updates`);
    break;
  }
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

// %% [markdown]
// ## Does the critic really reduce variance? Measure it
//
// On the same 20 episodes played by the trained policy we compute, episode by episode, the
// gradient of $\sum_t w_t \log \pi(a_t \mid s_t)$ with respect to the actor's parameters, once with
// $w_t = G_t$ (REINFORCE) and once with $w_t = G_t - V(s_t)$ (A2C). The *total variance* of these
// per-episode gradients (the sum over parameters of each parameter's variance) tells how noisy a
// one-episode estimate is. Both averages estimate the same gradient; only the noise differs. How much
// the critic helps depends on how well it has learned $V$: right after the agent reaches the target its
// values still lag the returns of the now much longer episodes, and the reduction is modest; a critic
// trained longer removes more of the variance. Run the cell again after more updates to see it.

// %%
const variance = a2c.policyGradientVariance(pick({ ci: 4, book: 20, full: 50 }), 123);
console.log(`total gradient variance without a baseline: ${variance.withoutBaseline.toExponential(3)}`);
console.log(`total gradient variance with the critic:    ${variance.withBaseline.toExponential(3)}`);
const percent = (100 * variance.withBaseline) / variance.withoutBaseline;
console.log(`with the critic the variance is ${percent.toFixed(0)}% of the plain REINFORCE variance`);
dojo.viz.showPlot({
  data: [{ type: 'bar', x: ['G_t (REINFORCE)', 'G_t - V(s_t) (A2C)'], y: [variance.withoutBaseline, variance.withBaseline] }],
  layout: { title: 'Variance of the one-episode policy gradient', yaxis: { title: 'total variance', type: 'log' } },
});

// %%
const agent = a2c.evalAgent(new dojo.Rng(5));
agent.reset();
const game = dojo.viz.recordEpisode(evalEnv, (obs) => agent.act(obs), {
  seed: 99,
  every: 2,
  maxSteps: pick({ ci: 20, book: 500, full: 500 }),
});
console.log(`A2C test game: return ${game.totalReward}`);
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
pixelEnv.close();

// %% [markdown]
// ## Training the shared trunk on Kung-Fu Master, with your loss
//
// The same `A2C`, the same three functions of yours, now on pixels: the environment id
// `Preprocessed42Crop/KungFuMasterDeterministic-v0` is the game with Practical_RL's crop and the
// 42×42×4 preprocessing above, and for frames `A2C` builds the shared-trunk network. Two settings
// change, and both are stated here: `episodicLife: true` ends an episode for learning when the
// player loses a life (the game goes on), so complete episodes stay a few hundred steps long; and
// `rewardScale: 0.01` multiplies every reward before your `advantageEstimates` and the critic's
// targets see it (Kung-Fu pays 100-3000 points per enemy; the critic regresses on small numbers
// more easily). Everything else is the update described above, your `a2cLoss` included. The curve is
// the mean (unscaled) score per life of each update's episodes.

// %%
const pixelA2C = new dojo.algos.A2C(
  {
    envId: 'Preprocessed42Crop/KungFuMasterDeterministic-v0',
    episodicLife: true,
    rewardScale: 0.01,
    seed: 7,
    numEnvs: 4,
    episodesPerUpdate: 4,
    gaeLambda: 1,
    lr: 1e-3,
    entropyCoef: 0.01,
  },
  parts,
);
const pixelUpdates = pick({ ci: 1, book: 60, full: 400 });
const lifeScores: number[] = [];
let lastEntropy = NaN;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const t0 = performance.now();
for (let u = 1; u <= pixelUpdates; u++) {
  const r = pixelA2C.update();
  lifeScores.push(mean(r.episodeReturns));
  lastEntropy = r.metrics['policy/entropy'];
  if (u % 10 === 0 || u === pixelUpdates) {
    console.log(
      `update ${u}: mean score per life ${lifeScores[u - 1].toFixed(0)}, entropy ${r.metrics['policy/entropy'].toFixed(3)}, ` +
        `critic MSE ${r.metrics['value/mse'].toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
}
dojo.viz.showPlot({
  data: [
    { y: lifeScores, name: 'mean score per life', mode: 'lines', opacity: 0.4 },
    { y: lifeScores.map((_, i) => mean(lifeScores.slice(Math.max(0, i - 9), i + 1))), name: 'mean of the last 10 updates', mode: 'lines' },
  ],
  layout: { title: 'Shared-trunk A2C on Kung-Fu Master pixels (your loss)', xaxis: { title: 'update' }, yaxis: { title: 'score' } },
});
const third = Math.max(1, Math.floor(lifeScores.length / 3));
const early = mean(lifeScores.slice(0, third));
const late = mean(lifeScores.slice(-third));
console.log(
  `mean score per life: first third of the updates ${early.toFixed(0)}, last third ${late.toFixed(0)} ` +
    `(${late > early ? 'higher' : 'not higher'} at the end)`,
);
console.log(`policy entropy after the last update: ${lastEntropy.toFixed(3)} nats (uniform over 14 actions: ${Math.log(14).toFixed(3)})`);
pixelA2C.dispose();

// %% [markdown]
// How to read it: each point averages only four lives, so the raw curve is noisy; the running mean
// and the two printed means (first and last third of the updates) are what to compare, and the
// entropy says how far the policy has moved from uniform (ln 14 ≈ 2.64 nats is no preference at all).
// Expect little at the book's budget: 60 updates are about 70,000 agent steps, and agents on this
// game need millions of frames before they fight well. What this section shows is the mechanics: the
// loss you wrote trains a pixel network, trunk and both heads, end to end (the `full` budget runs 400
// updates). Chapter 4 trains the same network for far longer, with many environments and, finally,
// truly asynchronous workers.

// %% [markdown]
// ## What to remember
//
// - A state-dependent baseline leaves the policy gradient unbiased; $V(s)$ makes it much less noisy.
// - The advantage $A = G - V$ weights each action by how much better than expected it did.
// - A2C minimises actor loss + $c_V \cdot$ critic loss $- c_H \cdot$ entropy, with the advantage held
//   constant in the actor term.
// - On pixels, actor and critic share a convolutional trunk; your loss trained one on Kung-Fu Master
//   above. Chapter 4 trains it for longer, with many environments and truly asynchronous workers.
