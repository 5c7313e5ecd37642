/**
 * The algorithms by name, as the CLI and checkpoints refer to them.
 */
import { closestMatch } from '../util/text';
import type { Env } from '../envs';
import { type Algorithm, type EvalSummary, evaluate, makeEnv } from './algorithm';
import { ready } from '../nn/backend';
import { Rng } from '../util/rng';
import { CheckpointMismatchError, loadCheckpoint, mismatchInCheckpoint } from '../runs/checkpoint';
import { A2C } from './a2c';
import { A3C, SyncA3C } from './a3c';
import { RecurrentA2C } from './recurrent-a2c';
import { PPO } from './ppo';
import { Reinforce } from './reinforce';

export interface AlgorithmEntry {
  /** One line for listings. */
  summary: string;
  /** Environment used when none is given. */
  defaultEnv: string;
  create(config: Record<string, unknown>): Algorithm;
}

export const ALGORITHMS: Readonly<Record<string, AlgorithmEntry>> = Object.freeze({
  reinforce: {
    summary: 'REINFORCE: complete episodes, returns-to-go, mean baseline, entropy bonus',
    defaultEnv: 'CartPole-v1',
    create: (c) => new Reinforce(c),
  },
  a2c: {
    summary: 'A2C on complete episodes: actor and critic (or shared trunk with sharedTrunk=true), GAE',
    defaultEnv: 'CartPole-v1',
    create: (c) => new A2C(c),
  },
  'a3c-sync': {
    summary: "the Kung-Fu notebook's synchronous batched actor-critic: one-step TD targets over 10 envs",
    defaultEnv: 'KungFuMasterDeterministic-v0',
    create: (c) => new SyncA3C(c, {}, 'a3c-sync'),
  },
  'a3c-nstep': {
    summary: 'synchronous batched actor-critic with n-step bootstrapped returns (nSteps=20 unless set)',
    defaultEnv: 'KungFuMasterDeterministic-v0',
    create: (c) => new SyncA3C({ nSteps: 20, ...c }, {}, 'a3c-nstep'),
  },
  a3c: {
    summary: 'asynchronous A3C: worker threads with Hogwild updates to shared parameters and optimiser state',
    defaultEnv: 'KungFuMasterDeterministic-v0',
    create: (c) => new A3C(c),
  },
  'recurrent-a2c': {
    summary: 'LSTM actor-critic on parallel rollouts with truncated BPTT and n-step advantages',
    defaultEnv: 'KungFuMasterDeterministic-v0',
    create: (c) => new RecurrentA2C(c),
  },
  ppo: {
    summary: 'PPO: the clipped surrogate objective, GAE, several epochs of minibatch steps on each rollout',
    defaultEnv: 'KungFuMasterDeterministic-v0',
    create: (c) => new PPO(c),
  },
});

export function algorithmNames(): string[] {
  return Object.keys(ALGORITHMS);
}

/** Looks an algorithm up by name; an unknown name is an error listing the valid ones. */
export function algorithmEntry(name: string): AlgorithmEntry {
  const entry = ALGORITHMS[name];
  if (!entry) {
    const near = closestMatch(name, algorithmNames());
    throw new Error(`unknown algorithm '${name}'.${near ? ` Did you mean '${near}'?` : ''} Algorithms: ${algorithmNames().join(', ')}`);
  }
  return entry;
}

/** Builds an algorithm from its name and a (partial) config. */
export function createAlgorithm(name: string, config: Record<string, unknown> = {}): Algorithm {
  return algorithmEntry(name).create(config);
}

/**
 * Rebuilds the algorithm saved in a checkpoint folder (a run folder or its `checkpoint/`) with the
 * config it was trained with and its trained state. Config `overrides` (e.g. fewer environments for
 * evaluation) are applied on top.
 */
export function loadAlgorithm(dir: string, overrides: Record<string, unknown> = {}): { algo: Algorithm; trainer: Record<string, unknown> } {
  const ck = loadCheckpoint(dir);
  let algo: Algorithm;
  try {
    algo = createAlgorithm(ck.snapshot.algo, { ...ck.snapshot.config, ...overrides });
  } catch (e) {
    throw new Error(
      `checkpoint ${ck.dir}: its '${ck.snapshot.algo}' run cannot be rebuilt from the settings in its state.json (${(e as Error).message}); ` +
        'the file was edited or comes from another version: use a checkpoint as its run wrote it, or start a new run',
    );
  }
  try {
    algo.restore(ck.snapshot);
  } catch (e) {
    void algo.dispose();
    throw e instanceof CheckpointMismatchError ? mismatchInCheckpoint(ck.dir, e) : e;
  }
  return { algo, trainer: ck.trainer };
}

/**
 * Runs `use` with `algo` and a new environment of its own id, then closes the environment and disposes
 * of the algorithm (also when `use` throws).
 */
export async function withAgentEnv<T>(
  algo: Algorithm,
  use: (algo: Algorithm, env: Env<Float32Array, number>) => T | Promise<T>,
): Promise<T> {
  const env = makeEnv(algo.config.envId);
  try {
    return await use(algo, env);
  } finally {
    env.close();
    await algo.dispose();
  }
}

/** Loads the agent saved in `dir` (`loadAlgorithm`) and runs `use` with it and an environment of its id (`withAgentEnv`). */
export async function withCheckpoint<T>(dir: string, use: (algo: Algorithm, env: Env<Float32Array, number>) => T | Promise<T>): Promise<T> {
  await ready();
  return withAgentEnv(loadAlgorithm(dir).algo, use);
}

export interface PlaySettings {
  /** Games (default 10); game i is reset with seed `seed + i`. */
  episodes?: number;
  /** The first game's seed (default 0); it also seeds the sampling of actions. */
  seed?: number;
  /** Take the most likely action instead of sampling (default false). */
  greedy?: boolean;
  /** Agent steps after which a game is cut short (default 1,000,000). */
  maxSteps?: number;
}

/**
 * Plays whole games with a trained agent: the games of `gradient-dojo eval --episodes N --seed S
 * [--greedy]`, so a notebook and the command line report the same figures for the same settings.
 */
export function evaluateAlgorithm(algo: Algorithm, env: Env<Float32Array, number>, settings: PlaySettings = {}): EvalSummary {
  const { episodes = 10, seed = 0, greedy = false, maxSteps = 1_000_000 } = settings;
  if (!Number.isInteger(episodes) || episodes < 1) throw new RangeError(`episodes must be a positive integer, got ${episodes}`);
  return evaluate(env, algo.evalAgent(new Rng(seed), greedy), episodes, seed, maxSteps);
}

/** `evaluateAlgorithm` on the agent saved in `dir` (a run folder, its checkpoint/ or best/). */
export function evaluateCheckpoint(dir: string, settings: PlaySettings = {}): Promise<EvalSummary> {
  return withCheckpoint(dir, (algo, env) => evaluateAlgorithm(algo, env, settings));
}
