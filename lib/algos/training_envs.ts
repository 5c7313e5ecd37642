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
 *
 * Option `episodicLife: true` adds EpisodicLife on top (a lost life ends the episode for learning, the
 * game goes on); evaluation uses the game without it.
 */
import { atariEnvIds } from '../atari';
import { EpisodicLife, make, PreprocessAtari, register, registration, type Env, type EnvSpec, type MakeOptions } from '../envs';

export const PREPROCESSED_PREFIX = 'Preprocessed42/';
export const CROPPED_PREFIX = 'Preprocessed42Crop/';

/** This module's path relative to the project root, for EnvSpec.module. */
export const TRAINING_ENVS_MODULE = 'lib/algos/training_envs.ts';

/** Options of the training envs beyond the Atari ones. */
export interface TrainingEnvOptions {
  /** Add EpisodicLife: a lost life ends the learner's episode while the game goes on. */
  episodicLife?: boolean;
}

function preprocessed(id: string, crop: 'none' | 'practical_rl', options: MakeOptions): Env<Float32Array, number> {
  const { episodicLife, ...atariOptions } = options as MakeOptions & TrainingEnvOptions;
  const env = new PreprocessAtari(make(id, atariOptions) as Env<Uint8Array, number>, { crop, channelOrder: 'channels-last' });
  return episodicLife ? new EpisodicLife(env) : env;
}

for (const id of atariEnvIds()) {
  register({
    id: PREPROCESSED_PREFIX + id,
    description: `${id}, preprocessed: 42x42 greyscale, 4 stacked frames, channels-last`,
    create: (options) => preprocessed(id, 'none', options),
  });
  register({
    id: CROPPED_PREFIX + id,
    description: `${id}, Practical_RL's crop, then 42x42 greyscale, 4 stacked frames, channels-last`,
    create: (options) => preprocessed(id, 'practical_rl', options),
  });
}

const isPreprocessed = (id: string): boolean => id.startsWith(PREPROCESSED_PREFIX) || id.startsWith(CROPPED_PREFIX);

/** The id an algorithm actually steps for `envId`: the preprocessed variant of an Atari id, else itself. */
export function trainingEnvId(envId: string): string {
  registration(envId); // unknown ids (or games after a prefix) fail here, with the registry's list of valid ones
  if (isPreprocessed(envId)) return envId;
  return atariEnvIds().includes(envId) ? PREPROCESSED_PREFIX + envId : envId;
}

function checkedOptions(envId: string, id: string, opts: TrainingEnvOptions): MakeOptions | undefined {
  if (!opts.episodicLife) return undefined;
  if (!isPreprocessed(id)) {
    throw new Error(`episodicLife needs an Atari game (it ends episodes on a lost life); ${envId} has no lives`);
  }
  return { episodicLife: true };
}

/** Makes the environment an algorithm trains on (see the top of this file). */
export function makeTrainingEnv(envId: string, opts: TrainingEnvOptions = {}): Env<Float32Array, number> {
  const id = trainingEnvId(envId);
  return make(id, checkedOptions(envId, id, opts)) as Env<Float32Array, number>;
}

/** The EnvPool spec of the training environment for `envId`. */
export function trainingEnvSpec(envId: string, seed?: number, opts: TrainingEnvOptions = {}): EnvSpec {
  const id = trainingEnvId(envId);
  const options = checkedOptions(envId, id, opts);
  return { id, module: TRAINING_ENVS_MODULE, ...(seed === undefined ? {} : { seed }), ...(options ? { options } : {}) };
}
