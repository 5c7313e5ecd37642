// %% [markdown]
// # Chapter 1 — REINFORCE: learning a policy directly
//
// **By the end of this chapter you will be able to**
//
// - say when learning a *policy* beats learning a value table, and what it costs;
// - turn a network's scores (logits) into action probabilities and sample from them;
// - compute the *return-to-go* of every step of an episode;
// - write the REINFORCE loss $-\sum_t G_t \log \pi_\theta(a_t \mid s_t)$ as a TensorFlow.js scalar;
// - train a CartPole agent to the target return and watch it play.
//
// Every exercise is followed by a check cell. The check compares your function with a hidden
// reference on fresh random inputs and tells you, in words, what is off. A cell you have not solved
// yet simply reports *not implemented yet*, so the notebook always runs from top to bottom.

// %% [imports]
import * as tf from '@tensorflow/tfjs';
import * as dojo from 'gradient-dojo';

// %%
// Which TensorFlow.js backend does the numeric work on this machine?
await dojo.nn.ready();
console.log(dojo.nn.describeBackend());

// How long to train: 'ci' (seconds, for the automated tests), 'book' (the published pages) or
// 'full' (your own long run). Set GRADIENT_DOJO_BUDGET before starting Jupyter to change it.
const BUDGET = (process.env.GRADIENT_DOJO_BUDGET ?? 'book') as 'ci' | 'book' | 'full';
const pick = <T>(choices: { ci: T; book: T; full: T }): T => choices[BUDGET] ?? choices.book;
console.log(`budget: ${BUDGET}`);

// %% [markdown]
// ## Why learn a policy?
//
// Value-based methods such as Q-learning estimate how good every action is and then act greedily.
// Policy-based methods skip the detour: a network $\pi_\theta(a \mid s)$ outputs a probability for
// each action, and training nudges those probabilities towards actions that led to high reward.
//
// - **It matches how we think.** A tennis player does not compute the long-run value of every
//   possible swing; they have a feel for which swing fits the moment. A policy is that feel.
// - **Continuous actions are natural.** A policy can output the mean and spread of a steering angle;
//   a Q-table would need a maximisation over infinitely many actions.
// - **Randomness is built in.** Sampling from $\pi$ explores for free, and some games are only won by
//   a randomised strategy (rock–paper–scissors).
//
// The price: REINFORCE is *on-policy*. Every update needs fresh episodes played by the current
// policy, and old experience is thrown away after one gradient step. Policy gradients are hungry for
// samples.
//
// ## The environment: CartPole
//
// A pole is hinged on a cart. Each step the agent pushes the cart left (action 0) or right
// (action 1) and receives $+1$ while the pole stays within 12° of upright and the cart on the track.
// An episode is truncated at 500 steps, so the best possible return is 500. The course follows the
// classic target of an average return above **180**.

// %%
const env = dojo.envs.make('CartPole-v1') as dojo.envs.Env<Float32Array, number>;
const first = env.reset({ seed: 0 });
console.log('observation space:', env.observationSpace.toString());
console.log('action space:     ', env.actionSpace.toString());
console.log('first observation [cart position, cart velocity, pole angle, pole angular velocity]:');
console.log(Array.from(first.obs, (x) => x.toFixed(4)));
dojo.viz.showPng(dojo.viz.encodePng(env.render()));

// %% [markdown]
// The observation is four numbers. The agent never sees the picture above; it is for us.
//
// ## The policy network
//
// Our policy is a small multilayer perceptron: 4 inputs, one hidden layer of 128 ReLU units, and
// 2 outputs. The outputs are **logits** $z_a$, unnormalised scores. The softmax turns them into
// probabilities,
//
// $$\pi(a \mid s) = \frac{e^{z_a}}{\sum_b e^{z_b}}, \qquad \log \pi(a \mid s) = z_a - \log \sum_b e^{z_b}.$$
//
// The loss needs $\log \pi$, so we compute it directly. Exponentiating large logits overflows
// (`Math.exp(1000)` is `Infinity`), so subtract the largest logit $m$ first:
// $\log \sum_b e^{z_b} = m + \log \sum_b e^{z_b - m}$.
//
// ### Exercise 1.1 — a numerically stable log-softmax

// %% [exercise]
/** log pi(a) for every action a, from the logits of one state. */
export function logSoftmax(logits: number[]): number[] {
  // BEGIN SOLUTION
  const m = Math.max(...logits);
  let sum = 0;
  for (const z of logits) sum += Math.exp(z - m);
  const logSum = m + Math.log(sum);
  return logits.map((z) => z - logSum);
  // END SOLUTION
}

// %% [markdown]
// ### Exercise 1.2 — sampling an action
//
// To act, the agent draws an action from $\pi(\cdot \mid s)$. Given a uniform random number
// $u \in [0, 1)$, walk through the actions adding up their probabilities and return the first index
// whose running total exceeds $u$ (strictly). An action with probability 0 must never be chosen.

// %% [exercise]
/** The action chosen by the uniform draw u from the distribution probs. */
export function sampleAction(probs: number[], u: number): number {
  // BEGIN SOLUTION
  let cumulative = 0;
  let lastPossible = 0;
  for (let a = 0; a < probs.length; a++) {
    if (probs[a] > 0) lastPossible = a;
    cumulative += probs[a];
    if (u < cumulative) return a;
  }
  return lastPossible; // rounding can leave the total a hair below u
  // END SOLUTION
}

// %%
// The library's network for this chapter, with a fixed seed. Its first guesses are close to 50/50.
const policy = dojo.nn.cartPolePolicy({ seed: 1 });
const firstLogits = tf.tidy(() => policy.logits(tf.tensor2d([Array.from(first.obs)])).arraySync() as number[][]);
console.log(
  'logits for the first observation:',
  firstLogits[0].map((z) => z.toFixed(4)),
);
console.log(
  'probabilities:',
  firstLogits[0].map((z, _i, all) => (Math.exp(z) / all.reduce((s, y) => s + Math.exp(y), 0)).toFixed(4)),
);

// %% [markdown]
// ## Which actions deserve credit? Returns-to-go
//
// After an episode we know every reward $r_0, r_1, \dots, r_{T-1}$. The action at step $t$ cannot
// have influenced rewards that came *before* it, so it is credited with the discounted sum of the
// rewards from $t$ on, the **return-to-go**
//
// $$G_t = r_t + \gamma r_{t+1} + \gamma^2 r_{t+2} + \dots = r_t + \gamma\, G_{t+1}, \qquad G_T = 0.$$
//
// The recursion tells you how to compute all of them in one backward pass. With $\gamma = 0.99$ and
// CartPole's $+1$ per step, early steps of a long episode get large returns and the last step gets 1.
//
// ### Exercise 1.3 — returns-to-go

// %% [exercise]
/** G_t for every step t of one complete episode. */
export function returnsToGo(rewards: number[], gamma: number): number[] {
  // BEGIN SOLUTION
  const returns = new Array<number>(rewards.length);
  let future = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    future = rewards[t] + gamma * future;
    returns[t] = future;
  }
  return returns;
  // END SOLUTION
}

// %% [markdown]
// **A worked example, exactly.** Take an episode of four steps, each rewarded $+1$, and
// $\gamma = \frac{99}{100}$. By the recursion, $G_3 = 1$, $G_2 = 1 + \frac{99}{100} = \frac{199}{100}$,
// $G_1 = 1 + \frac{99}{100}\cdot\frac{199}{100} = \frac{29701}{10000}$, and so on. Floating-point numbers
// cannot hold most of these fractions exactly, so a computed return differs from the true one in its last
// digits. The cell below computes the same returns twice: with exact fractions, using **mathjs** (a
// computer-algebra library for JavaScript; `dojo.grading.exactReturnsToGo` is a thin wrapper on its
// `fraction` type), and with the library's `returnsToGo`, the function Exercise 1.3 asks you to write. The
// two agree to about $10^{-16}$: the rounding is real but far too small to matter, which is why the
// library computes in floating point.

// %%
const exactG = dojo.grading.exactReturnsToGo([1, 1, 1, 1], '99/100');
const floatG = dojo.algos.returnsToGo([1, 1, 1, 1], 0.99);
exactG.forEach((g, t) => {
  console.log(
    `G_${t} = ${g.exact.padEnd(16)} = ${g.value.toFixed(6)}   floating point: ${floatG[t]}   difference ${Math.abs(floatG[t] - g.value).toExponential(1)}`,
  );
});
if (exactG.some((g, t) => Math.abs(g.value - floatG[t]) > 1e-12)) throw new Error('returnsToGo disagrees with the exact returns');

// %% [markdown]
// ## Where the loss comes from: the policy-gradient theorem
//
// We want the parameters $\theta$ that maximise the expected return of a whole episode
// $\tau = (s_0, a_0, r_0, s_1, a_1, r_1, \dots)$ played by $\pi_\theta$:
//
// $$J(\theta) = \mathbb{E}_{\tau \sim \pi_\theta}\big[R(\tau)\big], \qquad R(\tau) = \sum_{t} \gamma^t r_t .$$
//
// **The probability of an episode.** It is a product of the environment's dynamics and the policy's
// choices, $P_\theta(\tau) = \rho(s_0) \prod_t \pi_\theta(a_t \mid s_t)\, P(s_{t+1} \mid s_t, a_t)$. Only
// the policy factors depend on $\theta$, so
//
// $$\nabla_\theta \log P_\theta(\tau) = \sum_t \nabla_\theta \log \pi_\theta(a_t \mid s_t):$$
//
// the dynamics, which we do not know, drop out.
//
// **The log-derivative trick.** For any positive function, $\nabla_\theta P = P \,\nabla_\theta \log P$.
// Write the expectation as an integral over episodes and move the gradient inside:
//
// $$\nabla_\theta J = \int \nabla_\theta P_\theta(\tau)\, R(\tau)\, d\tau
//   = \int P_\theta(\tau)\, \nabla_\theta \log P_\theta(\tau)\, R(\tau)\, d\tau
//   = \mathbb{E}_{\tau \sim \pi_\theta}\Big[\sum_t \nabla_\theta \log \pi_\theta(a_t \mid s_t)\, R(\tau)\Big].$$
//
// An expectation can be estimated by averaging over episodes we actually play, so this gradient can
// be estimated from experience alone, without a model of the game.
//
// **Causality: reward-to-go.** In the last formula every action is weighted by the return of the
// *whole* episode, including rewards that came before it. An action cannot change the past: for
// $k < t$, $r_k$ is fixed by the time $a_t$ is drawn, and whatever the state,
//
// $$\mathbb{E}_{a_t \sim \pi_\theta}\big[\nabla_\theta \log \pi_\theta(a_t \mid s_t)\big]
//   = \sum_a \nabla_\theta \pi_\theta(a \mid s_t) = \nabla_\theta 1 = 0,$$
//
// so the terms $r_k \nabla_\theta \log \pi_\theta(a_t \mid s_t)$ with $k < t$ average to zero. Dropping
// them leaves the expectation unchanged and removes their noise. What remains for step $t$ are the
// rewards from $t$ on, the return-to-go of Exercise 1.3 (the discount counted from step $t$, as
// practical implementations do):
//
// $$\nabla_\theta J(\theta) \approx \mathbb{E}\Big[\sum_t G_t \, \nabla_\theta \log \pi_\theta(a_t \mid s_t)\Big].$$
//
// ## The REINFORCE loss
//
// Read the gradient as weighted classification: each action taken is a "label", and its weight is
// the return that followed. Actions followed by high returns become more likely, the rest less
// likely. We need a loss whose gradient is minus that estimate (gradient *descent* minimises), and
// $G_t$ is a plain number, not a function of $\theta$:
//
// $$L(\theta) = -\sum_t G_t \log \pi_\theta(a_t \mid s_t), \qquad
//   -\nabla_\theta L = \sum_t G_t \nabla_\theta \log \pi_\theta(a_t \mid s_t).$$
//
// (The cross-entropy method from earlier lessons is the special case where every kept action has
// weight 1 and every discarded one weight 0.)
//
// **What the loss tells each logit.** Backpropagation takes this loss to the network through the
// logits. Differentiate $\log \pi(a) = z_a - \log \sum_b e^{z_b}$ by one logit $z_k$: the first term
// gives $1$ when $k = a$ and $0$ otherwise, the second gives $e^{z_k} / \sum_b e^{z_b} = \pi(k)$, so
//
// $$\frac{\partial \log \pi(a)}{\partial z_k} = \mathbb{1}[k = a] - \pi(k), \qquad
//   \frac{\partial L}{\partial z_{t,k}} = -G_t\,\big(\mathbb{1}[k = a_t] - \pi_t(k)\big).$$
//
// A step of gradient descent therefore raises the logit of the action taken, in proportion to its
// return and to how *unlikely* it was ($1 - \pi(a_t)$), and lowers every other logit in proportion to
// its probability. A hand derivation is easy to get wrong (the classic slip is $1 - \pi(k)$ for every
// $k$), so let mathjs check it: `dojo.grading.checkDerivative` differentiates the expression
// symbolically with mathjs's `derivative`, simplifies the difference from our result, and evaluates both
// at a few points, for three actions and action $a = 1$ taken.

// %%
const logSum3 = 'log(exp(z1) + exp(z2) + exp(z3))';
const derivPoints = [
  { z1: 0, z2: 0, z3: 0 },
  { z1: 2, z2: -1, z3: 0.5 },
];
for (const k of [1, 2, 3]) {
  const check = dojo.grading.checkDerivative({
    f: `z1 - ${logSum3}`,
    variable: `z${k}`,
    expected: `${k === 1 ? 1 : 0} - exp(z${k}) / (exp(z1) + exp(z2) + exp(z3))`,
    at: derivPoints,
  });
  console.log(check.report);
  if (!check.agrees) throw new Error(`the derivative by z${k} disagrees with mathjs`);
}

// %% [markdown]
// At $z = 0$ all three actions have probability $\frac13$: the taken action's logit gets $+\frac23$, the
// others $-\frac13$ each; the three add up to zero, as they must, because adding the same number to every
// logit leaves the probabilities unchanged.
//
// ### Exercise 1.4 — the loss as a tensor
//
// `logits` has shape $[T, A]$ (one row per step). Use `tf.logSoftmax`, pick each row's entry for the
// action taken (`tf.oneHot` helps), weight by the returns and sum. Wrap the work in `tf.tidy` so no
// intermediate tensor leaks; the check counts them.

// %% [exercise]
/** -sum_t G_t log pi(a_t | s_t) as a scalar tensor. */
export function reinforceLoss(logits: tf.Tensor2D, actions: number[], returns: number[]): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(actions, logits.shape[1])), 1);
    return tf.neg(tf.sum(tf.mul(taken, tf.tensor1d(returns)))) as tf.Scalar;
  });
  // END SOLUTION
}

// %% [markdown]
// ## Training with your functions
//
// The library's `Reinforce` runs the loop you have just built the pieces of, **with your functions**:
// `dojo.grading.learnerParts` hands it the four functions above (a function still left as the stub is
// replaced by the library's own, and a line below says so). One update:
//
// 1. play 4 complete episodes; every action is `sampleAction(exp(logSoftmax(logits)), u)` with your
//    two functions and a seeded uniform draw $u$;
// 2. compute $G_t$ with your `returnsToGo`, episode by episode;
// 3. turn the returns into weights $w_t = (G_t - \bar G) / (\sigma_G + 10^{-8})$: the library subtracts
//    the batch's mean return $\bar G$, and its `normalize` divides by the standard deviation $\sigma_G$. Chapter 3
//    explains why subtracting a baseline like $\bar G$ is allowed (it leaves the gradient's expectation
//    unchanged, by the same identity as above);
// 4. take one Adam step on `reinforceLoss(logits, actions, w) / T`: your loss divided by $T$, the
//    number of steps in the batch, so the step is a mean over steps rather than a sum.
//
// Nothing else is added. Hyper-parameters follow the classic recipe: $\gamma = 0.99$, learning rate
// $0.01$, 4 episodes per update, 128 hidden units. Every few updates the agent plays 10 evaluation
// games; we stop when their mean passes 180. REINFORCE wanders (a good policy can get worse after the
// next few updates), so the loop also keeps a snapshot of the agent with the best evaluation so far and
// ends with that one, as `dojo.algos.train` does with `evalEvery` (its `best/` folder) and the command
// line with `--eval-every`.

// %%
// (Names written out in full: the notebook kernel does not resolve `{ logSoftmax }` to an earlier cell's function.)
const parts = dojo.grading.learnerParts({
  logSoftmax: logSoftmax,
  sampleAction: sampleAction,
  returnsToGo: returnsToGo,
  reinforceLoss: reinforceLoss,
});
const config = { envId: 'CartPole-v1', seed: 3, gamma: 0.99, lr: 0.01, episodesPerUpdate: 4, entropyCoef: 0 };
const algo = new dojo.algos.Reinforce(config, parts);
const TARGET = 180;
const maxUpdates = pick({ ci: 4, book: 200, full: 1000 });
const curve: { update: number; trainReturn: number; evalReturn?: number }[] = [];
const evalEnv = dojo.envs.make('CartPole-v1') as dojo.envs.Env<Float32Array, number>;
let best: { update: number; evalReturn: number; snapshot: dojo.algos.Snapshot } | null = null;
// The chart below redraws itself while training runs.
const live = new dojo.viz.LivePlot();
function learningCurve(): dojo.viz.PlotlyFigure {
  const evalPoints = curve.filter((p) => p.evalReturn !== undefined);
  return {
    data: [
      { x: curve.map((p) => p.update), y: curve.map((p) => p.trainReturn), name: 'training episodes', mode: 'lines' },
      { x: evalPoints.map((p) => p.update), y: evalPoints.map((p) => p.evalReturn), name: 'evaluation (10 games)', mode: 'lines+markers' },
      { x: [1, Math.max(2, curve.length)], y: [TARGET, TARGET], name: 'target', mode: 'lines', line: { dash: 'dot' } },
    ],
    layout: { title: 'REINFORCE on CartPole', xaxis: { title: 'update' }, yaxis: { title: 'return' }, height: 380 },
  };
}
for (let u = 1; u <= maxUpdates; u++) {
  const r = algo.update();
  const trainReturn = r.episodeReturns.reduce((s, x) => s + x, 0) / Math.max(1, r.episodeReturns.length);
  const point: (typeof curve)[number] = { update: u, trainReturn };
  if (u % 5 === 0 || u === maxUpdates) {
    const evalReturn = dojo.algos.evaluate(evalEnv, algo.evalAgent(new dojo.Rng(u)), 10, 10_000 + u).mean;
    point.evalReturn = evalReturn;
    console.log(`update ${u}: training episodes ${trainReturn.toFixed(1)}, evaluation ${evalReturn.toFixed(1)}`);
    if (best === null || evalReturn > best.evalReturn) best = { update: u, evalReturn, snapshot: algo.snapshot() };
  }
  curve.push(point);
  await live.update(learningCurve());
  if ((point.evalReturn ?? 0) > TARGET) {
    console.log(`reached the target (${TARGET}) after ${u} updates`);
    break;
  }
}
if (best && best.update !== curve[curve.length - 1].update) {
  algo.restore(best.snapshot);
  console.log(`ending with the agent of update ${best.update} (evaluation ${best.evalReturn.toFixed(1)}), the best evaluated`);
}
const evals = curve.filter((p) => p.evalReturn !== undefined);
if (evals.length >= 2)
  console.log(
    dojo.viz.compare(
      'evaluation return (10 games)',
      { name: `after update ${evals[evals.length - 1].update}`, value: evals[evals.length - 1].evalReturn as number },
      { name: `after update ${evals[0].update}`, value: evals[0].evalReturn as number },
    ),
  );

// %% [markdown]
// How to read the chart: the thin line is the mean return of each update's 4 training episodes
// (noisy: each is one batch of sampled play), the markers are the evaluation games every 5 updates,
// and the dotted line is the target. The last line the training cell printed compares the last evaluation with the
// first; a rising curve with dips is normal for REINFORCE, whose gradient is noisy (chapter 2).

// %% [markdown]
// ## Watching a test game
//
// A return is a number; a game is easier to judge with your eyes. The agent below samples from its
// policy just as it did in training.

// %%
const agent = algo.evalAgent(new dojo.Rng(11));
agent.reset();
const game = dojo.viz.recordEpisode(evalEnv, (obs) => agent.act(obs), {
  seed: 2024,
  every: 2,
  maxSteps: pick({ ci: 30, book: 500, full: 500 }),
});
console.log(`test game return: ${game.totalReward}`);
dojo.viz.showGif(dojo.viz.toGif(game.frames, { fps: 25 }));

// %% [markdown]
// ## What to remember
//
// - A policy network outputs logits; `logSoftmax` turns them into log-probabilities stably.
// - Each action is credited with the return that *followed* it, $G_t = r_t + \gamma G_{t+1}$.
// - The log-derivative trick turns the gradient of an expected return into an expectation we can
//   sample; causality lets each action keep only the rewards that followed it.
// - REINFORCE minimises $-\sum_t G_t \log \pi(a_t \mid s_t)$ over freshly played episodes; the agent
//   above was trained by your four functions.
// - It works on CartPole, but it waits for whole episodes and its gradient is noisy. Chapter 2
//   looks at those weaknesses and at a first remedy, the entropy bonus.
