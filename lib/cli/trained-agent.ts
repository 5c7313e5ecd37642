/** What the commands that play a saved agent (`eval`, `play`) share: loading the checkpoint and the env. */
import type { Env } from '../envs';
import type { Algorithm } from '../algos/algorithm';
import { loadAlgorithm, withAgentEnv } from '../algos/registry';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ready } from '../nn/backend';
import { UsageError } from './command';

/**
 * The checkpoint folder that `--checkpoint DIR [--best]` names: DIR itself (a run folder or a checkpoint
 * folder) or, with `best`, the run's best/ (DIR a run folder, or its checkpoint/ or best/ folder).
 */
export function chooseCheckpoint(dir: string, best: boolean): string {
  if (!best) return dir;
  const run = ['checkpoint', 'best'].includes(basename(dir)) ? dirname(dir) : dir;
  const found = join(run, 'best');
  if (!existsSync(found))
    throw new UsageError(
      `--best: ${run} has no best/ folder: a run keeps its best agent there when it evaluates during training ` +
        `(train --eval-every N); without --best, ${dir} gives the latest checkpoint`,
    );
  return found;
}

/**
 * Loads the algorithm saved in `checkpoint` (a run folder or its checkpoint/ folder; a load that fails is
 * a usage error) and runs `use` with it and an environment of its id (the library's `withAgentEnv`).
 */
export async function withTrainedAgent<T>(checkpoint: string, use: (algo: Algorithm, env: Env<Float32Array, number>) => T): Promise<T> {
  await ready();
  let loaded: ReturnType<typeof loadAlgorithm>;
  try {
    loaded = loadAlgorithm(checkpoint);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return withAgentEnv(loaded.algo, use);
}
