/**
 * A short diagnostic training run: trains an algorithm for a few minutes, then reports what moved — the
 * training-return EWMA at 1/4, 1/2, 3/4 and the end, the policy entropy, the gradient norm and the RMS
 * advantage (from the critic's loss) over the last tenth of the updates — and evaluates the sampled policy
 * on 20 games with seeds 900000000.. (never used in training), with how often it chose each action.
 * One JSON line on stdout. Used for bench/RESULTS.md's "Kangaroo: why the one-hour run learned nothing".
 *
 *   node --import tsx bench/learn/short-probe.ts <algo> '<config JSON>' <seconds> <seed> [--actions 0,1,...]
 *
 * `--actions` trains and evaluates on a subset of the game's actions (the policy picks among them), by
 * registering `Preprocessed42/ActionSubset-v0` (or `Preprocessed42Crop/...` when the config's envId is
 * cropped) for this process only: use it with algorithms that step their environments in this thread.
 */
import { readFileSync } from 'node:fs';
import { evaluate, makeEnv } from '../../lib/algos/algorithm';
import { createAlgorithm } from '../../lib/algos/registry';
import { train, type TrainLog } from '../../lib/algos/trainer';
import {
  Discrete,
  EpisodicLife,
  make,
  register,
  Wrapper,
  type Env,
  type ObsBuffer,
  type StepOutcome,
  type StepResult,
} from '../../lib/envs';
import { ready } from '../../lib/nn/backend';
import { Rng } from '../../lib/util/rng';

const EVAL_SEED_BASE = 900_000_000;

/** The policy's action i is the game's action `actions[i]`. */
class ActionSubset extends Wrapper<Float32Array, number> {
  private readonly space: Discrete;
  constructor(
    inner: Env<Float32Array, number>,
    readonly actions: number[],
  ) {
    super(inner);
    this.space = new Discrete(actions.length);
  }
  override get actionSpace(): Discrete {
    return this.space;
  }
  override step(action: number): StepResult<Float32Array> {
    return this.inner.step(this.actions[action]);
  }
  override stepInto(action: number, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    this.fastInner().stepInto(this.actions[action], out, offset, outcome);
  }
}

function registerSubset(baseId: string, actions: number[]): string {
  const id = `${baseId.split('/')[0]}/ActionSubset-v0`;
  register({
    id,
    description: `${baseId} with actions ${actions.join(',')}`,
    create: (options) => {
      const env: Env<Float32Array, number> = new ActionSubset(make(baseId), actions);
      return options.episodicLife ? new EpisodicLife(env) : env;
    },
  });
  return id;
}

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const actIdx = argv.indexOf('--actions');
  const actions = actIdx >= 0 ? argv[actIdx + 1].split(',').map(Number) : null;
  const [algoName, configJson, secondsArg, seedArg] = argv.filter((_, i) => actIdx < 0 || (i !== actIdx && i !== actIdx + 1));
  if (!algoName || !configJson || !secondsArg || !seedArg) {
    throw new Error("usage: short-probe.ts <algo> '<config JSON>' <seconds> <seed> [--actions 0,1,...]");
  }
  const seed = Number(seedArg);
  const config = { envId: 'KangarooDeterministic-v0', ...JSON.parse(configJson) } as Record<string, unknown>;
  const loadStart = load();
  await ready();
  if (actions) {
    const base = String(config.envId).includes('/') ? String(config.envId) : `Preprocessed42/${config.envId}`;
    config.envId = registerSubset(base, actions);
  }
  const algo = createAlgorithm(algoName, { ...config, seed });
  const hist: TrainLog[] = [];
  const res = await train(algo, { seconds: Number(secondsArg), progress: 'none', onUpdate: (log) => hist.push(log) });
  const num = (log: TrainLog | undefined, k: string): number => Number(log?.[k] ?? Number.NaN);
  const at = (f: number): TrainLog | undefined => hist[Math.min(hist.length - 1, Math.floor(hist.length * f))];
  const tail = hist.slice(Math.floor(hist.length * 0.9));
  const tailMean = (k: string): number => tail.reduce((a, h) => a + num(h, k), 0) / tail.length;
  const valueCoef = Number((algo.config as unknown as { valueCoef: number }).valueCoef);
  const env = makeEnv(String(algo.config.envId));
  const counts = new Map<number, number>();
  const policy = algo.evalAgent(new Rng(EVAL_SEED_BASE + seed));
  const counting = {
    reset: () => policy.reset(),
    act: (obs: Float32Array) => {
      const a = policy.act(obs);
      counts.set(a, (counts.get(a) ?? 0) + 1);
      return a;
    },
  };
  const ev = evaluate(env, counting, 20, EVAL_SEED_BASE);
  env.close();
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const nActions = actions ? actions.length : Math.max(...counts.keys()) + 1;
  console.log(
    JSON.stringify({
      algo: algoName,
      config,
      actions,
      seconds: Number(secondsArg),
      seed,
      loadStart,
      loadEnd: load(),
      updates: res.updates,
      envSteps: res.envSteps,
      games: res.episodes,
      stepsPerSecond: Math.round(res.envSteps / res.seconds),
      returnEwma: [0.25, 0.5, 0.75, 1].map((f) => Math.round(num(at(f), 'returnEwma'))),
      entropy: [0.1, 0.5, 1].map((f) => Number(num(at(f), 'policy/entropy').toFixed(3))),
      gradNormTail: Number(tailMean('grad/norm').toFixed(4)),
      rmsAdvantageTail: Number(Math.sqrt(tailMean('loss/value') / valueCoef).toFixed(4)),
      eval: { games: 20, mean: ev.mean, std: Math.round(ev.std), min: ev.min, max: ev.max },
      actionPercent: Array.from({ length: nActions }, (_, a) => Math.round((100 * (counts.get(a) ?? 0)) / total)).join(' '),
    }),
  );
  await algo.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
