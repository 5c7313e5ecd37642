// %% [markdown]
// # Chapter 2 — Keeping the policy curious: the entropy bonus
//
// **By the end of this chapter you will be able to**
//
// - name four weaknesses of plain REINFORCE and which later chapters fix them;
// - compute the entropy $H(\pi) = -\sum_a \pi(a \mid s) \log \pi(a \mid s)$ of a policy;
// - add an entropy bonus to the REINFORCE loss and choose its coefficient from an experiment;
// - compute returns-to-go over a batch in which several episodes are laid end to end, as parallel
//   environments produce them.

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
// ## What is wrong with plain REINFORCE?
//
// Chapter 1's agent solved CartPole, but the method has four weak spots.
//
// 1. **It needs complete episodes.** $G_t$ sums rewards until the end, so nothing can be learned
//    before an episode finishes. In a game that lasts tens of thousands of frames that is a long wait.
//    (Chapter 4 bootstraps from a critic to learn from short rollouts.)
// 2. **The gradient is noisy.** $G_t$ depends on every later random action and state transition, so
//    two episodes from the same policy can give very different weights. (Chapter 3 subtracts a
//    learned baseline.)
// 3. **The samples are correlated.** Consecutive states of one episode look alike, so a batch from
//    one game holds less information than its size suggests; stochastic gradient descent assumes
//    roughly independent samples. (Below: several environments at once.)
// 4. **The policy can become certain too early.** Once $\pi(a \mid s) \approx 1$ for some action,
//    the agent stops trying the others and can never discover that they were better.
//
// ## Entropy: a number for uncertainty
//
// The entropy of the action distribution in state $s$ is
//
// $$H(\pi(\cdot \mid s)) = -\sum_a \pi(a \mid s) \log \pi(a \mid s).$$
//
// It is $0$ when one action has probability 1, and largest, $\log |A|$, when all actions are
// equally likely. (By convention $0 \log 0 = 0$, the limit of $p \log p$ as $p \to 0$.) We use the
// natural logarithm, so entropy is measured in *nats*; CartPole's two actions give at most
// $\log 2 \approx 0.693$.
//
// ### Exercise 2.1 — entropy of a distribution

// %% [exercise]
/** -sum_a p(a) ln p(a), with 0 ln 0 counted as 0. */
export function entropy(probs: number[]): number {
  // BEGIN SOLUTION
  let h = 0;
  for (const p of probs) if (p > 0) h -= p * Math.log(p);
  return h;
  // END SOLUTION
}

// %% [markdown]
// ## The entropy bonus
//
// To discourage premature certainty we *reward* entropy. With a coefficient $\beta \ge 0$ the loss
// becomes
//
// $$L(\theta) = -\sum_t G_t \log \pi_\theta(a_t \mid s_t) \;-\; \beta \sum_t H(\pi_\theta(\cdot \mid s_t)).$$
//
// Minimising $-\beta H$ pushes the entropy up, i.e. the probabilities away from 0 and 1. Too small a
// $\beta$ changes nothing; too large a $\beta$ drowns the return signal and the agent learns to be
// random on purpose.
//
// ### Exercise 2.2 — the regularised loss
//
// Same shapes as Exercise 1.4, plus `beta` (0.01 when left out). Compute the entropy of every row
// from `tf.logSoftmax` ($\pi = e^{\log \pi}$), sum over the batch, and combine. Build the entropy
// from the logits tensor with tf operations: a bonus computed from numbers read out of it has no
// gradient and pushes nothing (the check compares the gradient of each term, the bonus included).

// %% [exercise]
/** The REINFORCE loss minus beta times the summed entropy of every row's policy. */
export function entropyRegularizedLoss(logits: tf.Tensor2D, actions: number[], returns: number[], beta = 0.01): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const taken = tf.sum(tf.mul(logProbs, tf.oneHot(actions, logits.shape[1])), 1);
    const policyLoss = tf.neg(tf.sum(tf.mul(taken, tf.tensor1d(returns))));
    const totalEntropy = tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs)));
    return tf.sub(policyLoss, tf.mul(beta, totalEntropy)) as tf.Scalar;
  });
  // END SOLUTION
}

// %% [markdown]
// ## The experiment: six coefficients
//
// We train one agent per coefficient $\beta \in \{0, 0.001, 0.01, 0.05, 0.1, 0.5\}$, all with the
// same seed, learning rate and number of updates, and compare their learning curves and the
// entropy of their policies. The library's `entropySweep` runs the loop; each run is the chapter 1
// agent written with **your** `entropyRegularizedLoss` and `entropy` (passed as `parts`; the charted
// entropy is your `entropy` of each step's policy). Around your functions the update does exactly
// what chapter 1 described: returns-to-go episode by episode (the library's `returnsToGo`), weights
// $w_t = (G_t - \bar G)/(\sigma_G + 10^{-8})$, and one Adam step on
// `entropyRegularizedLoss(logits, actions, w, beta) / T` (your sum divided by the $T$ steps of the
// batch, i.e. both terms become means).

// %%
const parts = dojo.grading.learnerParts({ entropy: entropy, entropyRegularizedLoss: entropyRegularizedLoss });
const COEFS = [0, 0.001, 0.01, 0.05, 0.1, 0.5];
// A test game of each trained agent, recorded before the sweep releases it (shown further down).
const evalEnv = dojo.envs.make('CartPole-v1') as dojo.envs.Env<Float32Array, number>;
const games = new Map<number, dojo.viz.RecordedEpisodeFrames<Float32Array>>();
const sweep = dojo.algos.entropySweep(COEFS, {
  parts,
  onFinished: (coef, algo) => {
    const agent = algo.evalAgent(new dojo.Rng(3));
    agent.reset();
    const maxSteps = pick({ ci: 20, book: 500, full: 500 });
    games.set(
      coef,
      dojo.viz.recordEpisode(evalEnv, (obs) => agent.act(obs), { seed: 77, every: 3, maxSteps }),
    );
  },
  updates: pick({ ci: 3, book: 60, full: 150 }),
  target: 180,
  evalEvery: pick({ ci: 3, book: 5, full: 5 }),
  evalEpisodes: pick({ ci: 2, book: 20, full: 50 }),
  config: { seed: 5, lr: 0.01, gamma: 0.99, episodesPerUpdate: 4 },
});
console.table(
  sweep.rows.map((r) => ({
    beta: r.entropyCoef,
    'updates to 180': r.updatesToTarget ?? 'not reached',
    'final train return': r.finalTrainReturn.toFixed(1),
    'final entropy (nats)': r.finalEntropy.toFixed(3),
    'evaluation mean': r.evalMean.toFixed(1),
  })),
);

// %% [markdown]
// One seed can mislead: two agents that differ only in their seed can reach the target dozens of
// updates apart. So the same sweep runs again with two more seeds (at the `book` budget; the table
// above is the first seed's), and the charts show, for every coefficient, the mean over the seeds as a
// line and the range of the seeds as a band. The extra runs skip the evaluations, which only the table
// uses; everything that the charts show is computed the same way in every run.

// %%
const SWEEP_SEEDS = pick({ ci: [5], book: [5, 6, 7], full: [5, 6, 7, 8, 9] });
const sweeps = [sweep];
for (const seed of SWEEP_SEEDS.slice(1)) {
  sweeps.push(
    dojo.algos.entropySweep(COEFS, {
      parts: parts,
      updates: pick({ ci: 3, book: 60, full: 150 }),
      evalEvery: 1_000_000,
      evalEpisodes: 1,
      config: { seed, lr: 0.01, gamma: 0.99, episodesPerUpdate: 4 },
    }),
  );
}
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
function sweepBands(what: 'returns' | 'entropy'): dojo.viz.PlotlyFigure {
  const data = COEFS.flatMap((coef, k) => {
    const runs = sweeps.map((sw) => sw.curves.find((c) => c.entropyCoef === coef)![what]);
    const x = runs[0].map((_, u) => u + 1);
    const lo = x.map((_, u) => Math.min(...runs.map((r) => r[u])));
    const hi = x.map((_, u) => Math.max(...runs.map((r) => r[u])));
    const mid = x.map((_, u) => runs.reduce((a, r) => a + r[u], 0) / runs.length);
    return [
      {
        x: [...x, ...x.slice().reverse()],
        y: [...hi, ...lo.reverse()],
        fill: 'toself',
        fillcolor: COLORS[k],
        opacity: 0.15,
        line: { width: 0 },
        showlegend: false,
        hoverinfo: 'skip',
      },
      { x, y: mid, name: `beta = ${coef}`, mode: 'lines', line: { color: COLORS[k] } },
    ];
  });
  const title = what === 'returns' ? 'mean training return' : 'policy entropy (nats)';
  return {
    data,
    layout: {
      title: `Entropy sweep: ${title}, mean and range of ${sweeps.length} seed(s)`,
      xaxis: { title: 'update' },
      yaxis: { title },
    },
  };
}
dojo.viz.showPlot(sweepBands('returns'));
dojo.viz.showPlot(sweepBands('entropy'));
const tail = (xs: number[]) => xs.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, xs.length);
const finalOf = (coef: number, what: 'returns' | 'entropy') =>
  sweeps.reduce((a, sw) => a + tail(sw.curves.find((c) => c.entropyCoef === coef)![what]), 0) / sweeps.length;
const largest = COEFS[COEFS.length - 1];
console.log(
  `How to read the charts: over the last 10 updates, averaged over the seeds, beta = ${largest} kept an entropy of ` +
    `${finalOf(largest, 'entropy').toFixed(3)} nats (a coin flip has ln 2 = ${Math.log(2).toFixed(3)}), beta = 0 ` +
    `${finalOf(0, 'entropy').toFixed(3)}.`,
);
console.log(
  dojo.viz.compare(
    'final training return',
    { name: `beta = ${largest}`, value: finalOf(largest, 'returns') },
    { name: 'beta = 0', value: finalOf(0, 'returns') },
    { lowerIsBetter: false },
  ),
);
const best = COEFS.reduce((a, b) => (finalOf(b, 'returns') > finalOf(a, 'returns') ? b : a));
console.log(`highest final training return, mean over the seeds: beta = ${best} (${finalOf(best, 'returns').toFixed(1)})`);
const spread = (coef: number) => {
  const finals = sweeps.map((sw) => tail(sw.curves.find((c) => c.entropyCoef === coef)!.returns));
  return Math.max(...finals) - Math.min(...finals);
};
if (sweeps.length > 1) {
  console.log(
    `seed-to-seed range of the final training return with beta = 0: ${spread(0).toFixed(1)}; a difference between ` +
      'two coefficients smaller than that is not evidence that one is better.',
  );
}

// %% [markdown]
// The lines printed above read the charts from this run's numbers. What to look for: a coefficient
// large enough that the bonus outweighs the return signal keeps the entropy close to $\ln 2$, and the
// agent stays close to a coin flip; small coefficients behave much like $\beta = 0$ on a problem as
// easy as CartPole, within the spread of the seeds. The bonus matters more on long, sparse games, where
// an early collapse of the policy is hard to undo. We will meet it again in every later chapter, with
// $\beta = 0.01$ or $0.001$.
//
// ## One game per coefficient
//
// Each GIF shows a test game of the sweep's own agent for that coefficient (the same seed for every
// game), so the games belong to the curves and the table above.

// %%
for (const coef of COEFS) {
  const game = games.get(coef)!;
  console.log(`beta = ${coef}: test game return ${game.totalReward}`);
  dojo.viz.showGif(dojo.viz.toGif(game.frames, { fps: 20 }));
}
const longest = COEFS.reduce((a, b) => (games.get(b)!.totalReward > games.get(a)!.totalReward ? b : a));
console.log(
  `the longest of these test games: beta = ${longest}, return ${games.get(longest)!.totalReward} (one game each: a sample, not a ranking)`,
);

// %% [markdown]
// ## Correlated samples and parallel environments
//
// Gradient descent works best when a batch is a fair sample of the situations the policy meets.
// One long episode is not: its states form a chain, each close to the last. Running $N$
// environments side by side and putting their steps into one batch mixes different moments of
// different games. It does not make the samples independent (each game is still a chain), but it
// broadens every batch at no extra cost per step.
//
// A batch from parallel environments holds several episodes laid end to end. A `dones` flag marks
// the last step of each episode, and the return-to-go must **restart** there: the next episode's
// rewards did not follow from this episode's actions.
//
// ### Exercise 2.3 — returns-to-go across episode boundaries
//
// `dones[t]` is `true` when step `t` was the last step of its episode.

// %% [exercise]
/** Returns-to-go of a batch of episodes laid end to end; the return restarts after every done step. */
export function batchReturnsToGo(rewards: number[], dones: boolean[], gamma: number): number[] {
  // BEGIN SOLUTION
  const returns = new Array<number>(rewards.length);
  let future = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    if (dones[t]) future = 0;
    future = rewards[t] + gamma * future;
    returns[t] = future;
  }
  return returns;
  // END SOLUTION
}

// %% [markdown]
// The library's REINFORCE takes `numEnvs`: the environments are stepped in lockstep, one batched
// forward pass of the network per step, until the requested number of episodes has finished; their
// episodes are laid end to end in the order they finished, and your `batchReturnsToGo` computes the
// returns of the whole batch at once. Below, the same budget of updates with 1 and with 8 environments.

// %%
const batchParts = dojo.grading.learnerParts({
  entropy: entropy,
  entropyRegularizedLoss: entropyRegularizedLoss,
  batchReturnsToGo: batchReturnsToGo,
});
const PARALLEL_SEEDS = pick({ ci: [9], book: [9, 10, 11], full: [9, 10, 11, 12, 13] });
const parallelUpdates = pick({ ci: 2, book: 40, full: 100 });
const parallelRuns = [1, 8].map((numEnvs) => {
  const curves: number[][] = [];
  let seconds = 0;
  for (const seed of PARALLEL_SEEDS) {
    const algo = new dojo.algos.Reinforce({ seed, lr: 0.01, entropyCoef: 0.01, numEnvs, episodesPerUpdate: 8 }, batchParts);
    const returns: number[] = [];
    const t0 = performance.now();
    for (let u = 0; u < parallelUpdates; u++) {
      const r = algo.update();
      returns.push(r.episodeReturns.reduce((s, x) => s + x, 0) / r.episodeReturns.length);
    }
    seconds += (performance.now() - t0) / 1000;
    algo.dispose();
    curves.push(returns);
  }
  console.log(`${numEnvs} env(s): ${PARALLEL_SEEDS.length} seed(s) trained in ${seconds.toFixed(1)} s of wall-clock time`);
  return { numEnvs, curves, seconds };
});
const updateAxis = Array.from({ length: parallelUpdates }, (_, u) => u + 1);
dojo.viz.showPlot({
  data: parallelRuns.flatMap((r, k) => {
    const color = k === 0 ? '#1f77b4' : '#d62728';
    const lo = updateAxis.map((_, u) => Math.min(...r.curves.map((c) => c[u])));
    const hi = updateAxis.map((_, u) => Math.max(...r.curves.map((c) => c[u])));
    const mid = updateAxis.map((_, u) => r.curves.reduce((a, c) => a + c[u], 0) / r.curves.length);
    return [
      {
        x: [...updateAxis, ...updateAxis.slice().reverse()],
        y: [...hi, ...lo.reverse()],
        fill: 'toself',
        fillcolor: color,
        opacity: 0.2,
        line: { width: 0 },
        showlegend: false,
        hoverinfo: 'skip',
      },
      { x: updateAxis, y: mid, name: `${r.numEnvs} env(s), mean of ${r.curves.length} seed(s)`, mode: 'lines', line: { color } },
    ];
  }),
  layout: {
    title: 'REINFORCE, 8 episodes per update, with 1 or 8 environments in lockstep',
    xaxis: { title: 'update' },
    yaxis: { title: 'mean episode return' },
  },
});
const lastTen = (c: number[]) => c.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, c.length);
const [oneEnv, eightEnvs] = parallelRuns.map((r) => r.curves.map(lastTen));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  `${dojo.viz.compare(
    'return over the last 10 updates, mean over the seeds',
    { name: '8 envs', value: avg(eightEnvs) },
    { name: '1 env', value: avg(oneEnv) },
    { lowerIsBetter: false },
  )} (per seed: 1 env ${oneEnv.map((x) => x.toFixed(0)).join(', ')}; 8 envs ${eightEnvs.map((x) => x.toFixed(0)).join(', ')})`,
);
console.log(
  dojo.viz.describeFactor(parallelRuns[1].seconds, parallelRuns[0].seconds, {
    subject: 'the wall-clock time with 8 environments',
    reference: "that with 1 (a measurement of this machine's speed: it varies between runs)",
    lowerIsBetter: true,
  }),
);

// %% [markdown]
// How to read it: only the number of environments differs between the two colours (same seeds, same
// 8 episodes per update, same loss), so per update both see the same amount of experience and should
// learn alike: their bands overlap wherever the seeds, not the environments, decide. What the
// environments change is the time an update takes, since one batched forward pass serves 8 games; the
// last line above gives this run's factor.

// %% [markdown]
// ## What to remember
//
// - Entropy measures how undecided the policy is; the bonus $-\beta H$ in the loss keeps it exploring.
// - The coefficient is a trade-off: too large and the agent learns to stay random.
// - Parallel environments broaden each batch; returns-to-go must restart at every episode end.
// - REINFORCE's noisy gradient is still there. Chapter 3 attacks it with a critic.
