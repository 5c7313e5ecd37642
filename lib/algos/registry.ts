/**
 * The algorithms by name, as the CLI and checkpoints refer to them.
 */
import { closestMatch } from '../util/text';
import type { Algorithm } from './algorithm';
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
