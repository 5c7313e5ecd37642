/**
 * The environments the algorithms train on. Raw Atari screens ([210, 160, 3] RGB) are turned into the
 * source notebooks' observations — 42x42 greyscale, 4 stacked frames — channels-last ([42, 42, 4]) as
 * lib/nn's conv nets expect. These preprocessed games are registered as `Preprocessed42/<Atari id>`, so
 * that an EnvPool (which builds its envs in worker threads from a serialisable spec) can build them too:
 * its spec names this module, which registers the ids in the worker.
 */
import { atariEnvIds } from '../atari';
import { make, PreprocessAtari, register, registration, type Env, type EnvSpec } from '../envs';

export const PREPROCESSED_PREFIX = 'Preprocessed42/';

/** This module's path relative to the project root, for EnvSpec.module. */
export const TRAINING_ENVS_MODULE = 'lib/algos/training_envs.ts';

for (const id of atariEnvIds()) {
  register({
    id: PREPROCESSED_PREFIX + id,
    description: `${id}, preprocessed: 42x42 greyscale, 4 stacked frames, channels-last`,
    create: (options) => new PreprocessAtari(make(id, options) as Env<Uint8Array, number>, { channelOrder: 'channels-last' }),
  });
}

/** The id an algorithm actually steps for `envId`: the preprocessed variant of an Atari id, else itself. */
export function trainingEnvId(envId: string): string {
  if (envId.startsWith(PREPROCESSED_PREFIX)) return envId;
  registration(envId); // unknown ids fail here, with the registry's list of valid ones
  return atariEnvIds().includes(envId) ? PREPROCESSED_PREFIX + envId : envId;
}

/** Makes the environment an algorithm trains on (see the top of this file). */
export function makeTrainingEnv(envId: string): Env<Float32Array, number> {
  return make(trainingEnvId(envId)) as Env<Float32Array, number>;
}

/** The EnvPool spec of the training environment for `envId`. */
export function trainingEnvSpec(envId: string, seed?: number): EnvSpec {
  return { id: trainingEnvId(envId), module: TRAINING_ENVS_MODULE, ...(seed === undefined ? {} : { seed }) };
}
