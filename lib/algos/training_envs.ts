/**
 * The environments the algorithms train on. Raw Atari screens ([210, 160, 3] RGB) are turned into the
 * source notebooks' observations — 42x42 greyscale, 4 stacked frames — channels-last ([42, 42, 4]) as
 * lib/nn's conv nets expect. Two families are registered for every Atari id:
 *   `Preprocessed42/<id>`      the whole screen, as the PyTorch A3C notebooks use it;
 *   `Preprocessed42Crop/<id>`  Practical_RL's crop first (rows 60..180, columns 5..160: the playfield
 *                              without the score and energy bars), so the fighters cover more of the 42x42.
 * An Atari id on its own means `Preprocessed42/<id>`. Registering them lets an EnvPool (which builds its
 * envs in worker threads from a serialisable spec) build them too: its spec names this module, which
 * registers the ids in the worker.
 */
import { atariEnvIds } from '../atari';
import { make, PreprocessAtari, register, registration, type Env, type EnvSpec } from '../envs';

export const PREPROCESSED_PREFIX = 'Preprocessed42/';
export const CROPPED_PREFIX = 'Preprocessed42Crop/';

/** This module's path relative to the project root, for EnvSpec.module. */
export const TRAINING_ENVS_MODULE = 'lib/algos/training_envs.ts';

for (const id of atariEnvIds()) {
  register({
    id: PREPROCESSED_PREFIX + id,
    description: `${id}, preprocessed: 42x42 greyscale, 4 stacked frames, channels-last`,
    create: (options) => new PreprocessAtari(make(id, options) as Env<Uint8Array, number>, { channelOrder: 'channels-last' }),
  });
  register({
    id: CROPPED_PREFIX + id,
    description: `${id}, Practical_RL's crop, then 42x42 greyscale, 4 stacked frames, channels-last`,
    create: (options) => new PreprocessAtari(make(id, options) as Env<Uint8Array, number>, { crop: 'practical_rl', channelOrder: 'channels-last' }),
  });
}

/** The id an algorithm actually steps for `envId`: the preprocessed variant of an Atari id, else itself. */
export function trainingEnvId(envId: string): string {
  if (envId.startsWith(PREPROCESSED_PREFIX) || envId.startsWith(CROPPED_PREFIX)) {
    registration(envId); // an unknown game after the prefix fails here, with the list of valid ids
    return envId;
  }
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
