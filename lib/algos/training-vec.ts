/**
 * The environments the lockstep algorithms (a3c-sync / a3c-nstep, recurrent-a2c, ppo) step together.
 * Not in algorithm.ts: worker threads have no place in the live book's browser bundle, which imports that file.
 */
import { makeVec, trainingEnvSpec, type VectorEnv } from '../envs';
import type { Rng } from '../util/rng';

/**
 * `numEnvs` copies of the training environment for `envId` (with EpisodicLife when asked), stepped in this
 * thread (`envWorkers` 0) or in that many worker threads, reset with seeds drawn from `envRng`, the run's
 * environment stream (so a restored run starts its episodes from the restored generator).
 */
export function startTrainingEnvs(
  c: { envId: string; episodicLife: boolean; envWorkers: number; numEnvs: number },
  envRng: Rng,
): Promise<VectorEnv> {
  return makeVec(trainingEnvSpec(c.envId, undefined, { episodicLife: c.episodicLife }), c.numEnvs, {
    workers: c.envWorkers,
    seed: envRng.int(2 ** 31 - c.numEnvs),
  });
}
