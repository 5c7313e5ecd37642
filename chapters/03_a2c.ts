// %% [markdown]
// # Chapter 3 — Advantage actor-critic (A2C)
//
// **By the end of this chapter you will be able to**
//
// - explain why subtracting a baseline from the return leaves the policy gradient unbiased but can
//   shrink its variance a lot;
// - define the advantage $A(s, a) = Q(s, a) - V(s)$ and estimate it with a learned critic;
// - write the critic's loss and the full A2C loss, holding the advantage constant in the actor term;
// - measure the variance of the gradient with and without the critic;
// - see how one convolutional trunk can serve both the actor and the critic on pixels.

// %% [imports]
import * as tf from '@tensorflow/tfjs';
import * as dojo from 'gradient-dojo';

// %%
await dojo.nn.ready();
console.log(dojo.nn.describeBackend());
const BUDGET = (process.env.GRADIENT_DOJO_BUDGET ?? 'book') as 'ci' | 'book' | 'full';
const pick = <T,>(choices: { ci: T; book: T; full: T }): T => choices[BUDGET] ?? choices.book;
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

// %% [exercise]
/** Mean squared error between the critic's values and the observed returns. */
export function criticLoss(values: number[], returns: number[]): number {
  // BEGIN SOLUTION
  let total = 0;
  for (let t = 0; t < values.length; t++) total += (returns[t] - values[t]) ** 2;
  return total / values.length;
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
// change the critic so that the advantage looks better. TensorFlow.js has no stop-gradient
// operation of its own; the library offers `dojo.nn.stopGradient(x)`, and more simply a tensor built
// from plain numbers has no history, so `tf.tensor(adv.dataSync(), adv.shape)` is the advantage
// without a gradient path. The critic term
// uses the same $G_t - V_\phi(s_t)$ *with* its gradient, which is how the critic learns.
//
// ### Exercise 3.3 — the full loss
//
// `logits` is $[T, A]$, `values` is $[T]$. The check also compares the gradients of your loss with
// respect to `logits` and `values`, so a missing stop-gradient shows up there.

// %% [exercise]
/** Actor + valueCoef * critic - entropyCoef * entropy, each a mean over the batch. */
export function a2cLoss(
  logits: tf.Tensor2D,
  values: tf.Tensor1D,
  actions: number[],
  returns: number[],
  valueCoef: number,
  entropyCoef: number,
): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(actions, logits.shape[1])), 1);
    const advantage = tf.sub(tf.tensor1d(returns), values);
    const constantAdvantage = tf.tensor(advantage.dataSync(), advantage.shape);
    const actor = tf.neg(tf.mean(tf.mul(taken, constantAdvantage)));
    const critic = tf.mean(tf.square(advantage));
    const meanEntropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1)));
    return tf.sub(tf.add(actor, tf.mul(valueCoef, critic)), tf.mul(entropyCoef, meanEntropy)) as tf.Scalar;
  });
  // END SOLUTION
}

// %% [markdown]
// ## A2C on CartPole
//
// The library's `A2C` plays complete episodes on 8 environments in lockstep, estimates advantages
// with the critic, and takes one Adam step on the loss above. The actor and the critic are separate
// 128-unit networks here (like swatting a fly with a sledgehammer on CartPole, but it shows the
// mechanics). Settings: $\gamma = 0.99$, learning rate $0.01$, $c_V = 0.5$, $c_H = 0.01$,
// advantages normalised per batch, gradients clipped to norm 1. `gaeLambda: 1` makes the advantage
// exactly $G_t - V(s_t)$ as in Exercise 3.1.

// %%
const TARGET = 180;
const a2c = new dojo.algos.A2C({ envId: 'CartPole-v1', seed: 4, gamma: 0.99, gaeLambda: 1, lr: 0.01, numEnvs: 8, episodesPerUpdate: 8 });
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
console.log(`with the critic the variance is ${(100 * variance.ratio).toFixed(0)}% of the plain REINFORCE variance`);
dojo.viz.showPlot({
  data: [{ type: 'bar', x: ['G_t (REINFORCE)', 'G_t - V(s_t) (A2C)'], y: [variance.withoutBaseline, variance.withBaseline] }],
  layout: { title: 'Variance of the one-episode policy gradient', yaxis: { title: 'total variance', type: 'log' } },
});

// %%
const agent = a2c.evalAgent(new dojo.Rng(5));
agent.reset();
const game = dojo.viz.recordEpisode(evalEnv, (obs) => agent.act(obs), { seed: 99, every: 2, maxSteps: pick({ ci: 20, book: 500, full: 500 }) });
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
// Below is the network the next chapter trains on Kung-Fu Master: three 3×3 convolutions with
// stride 2 on a stack of four 42×42 grayscale frames, a dense layer of 128, and the two heads. We
// count its parameters, then feed it a real game screen: the frame the player sees, and beside it the
// four small grey frames the network sees.

// %%
const net = dojo.nn.a3cNet({ nActions: 14, seed: 0 });
const sizes = new Map<string, number>();
for (const p of net.params.layout) {
  const part = p.name.split('/')[0];
  sizes.set(part, (sizes.get(part) ?? 0) + p.size);
}
console.table([...sizes].map(([part, n]) => ({ part, parameters: n })));

// A real observation: the Kung-Fu Master screen, cropped, shrunk to 42x42 grey, 4 frames stacked.
const pixelEnv = new dojo.envs.PreprocessAtari((dojo.envs.make('KungFuMasterDeterministic-v0') as dojo.envs.Env<Uint8Array, number>), { crop: 'practical_rl', channelOrder: 'channels-last' });
let pixels = pixelEnv.reset({ seed: 0 }).obs;
for (let i = 0; i < 40; i++) pixels = pixelEnv.step(i % 14).obs;
dojo.viz.showPng(dojo.viz.encodePng(dojo.viz.sideBySide(pixelEnv.render(), pixels, [42, 42, 4], { channelOrder: 'channels-last' })));

// Both heads read the same trunk features.
const probe = tf.tidy(() => {
  const out = net.forward(tf.tensor(pixels, [1, 42, 42, 4]));
  return { probs: Array.from(tf.softmax(out.logits).dataSync()), value: out.value.dataSync()[0], logitsShape: out.logits.shape };
});
console.log(`logits ${JSON.stringify(probe.logitsShape)}; the untrained policy is nearly uniform: ` +
  `max probability ${Math.max(...probe.probs).toFixed(3)} (uniform would be ${(1 / 14).toFixed(3)}); value ${probe.value.toFixed(4)}`);
pixelEnv.close();
net.dispose();

// %% [markdown]
// ## What to remember
//
// - A state-dependent baseline leaves the policy gradient unbiased; $V(s)$ makes it much less noisy.
// - The advantage $A = G - V$ weights each action by how much better than expected it did.
// - A2C minimises actor loss + $c_V \cdot$ critic loss $- c_H \cdot$ entropy, with the advantage held
//   constant in the actor term.
// - On pixels, actor and critic share a convolutional trunk. Chapter 4 trains one on Kung-Fu Master,
//   with many environments and, finally, truly asynchronous workers.
