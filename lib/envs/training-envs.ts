/**
 * The environments the algorithms train on. Raw Atari screens ([210, 160, 3] RGB) are turned into the
 * source notebooks' observations — 42x42 greyscale, 4 stacked frames — channels-last ([42, 42, 4]) as
 * lib/nn's conv nets expect. The registry knows three families for every Atari id (see atari.ts):
 *   `Preprocessed42/<id>`      the whole screen, as the PyTorch A3C notebooks use it;
 *   `Preprocessed42Crop/<id>`  Practical_RL's crop first (rows 60..180, columns 5..160: the playfield
 *                              without the score and energy bars), so the fighters cover more of the 42x42;
 *   `Preprocessed84/<id>`      the whole screen at 84x84 (four times the pixels, and the network's work).
 * An Atari id on its own means `Preprocessed42/<id>`; other ids (CartPole) are trained on as they are.
 *
 * Option `episodicLife: true` adds EpisodicLife on top (a lost life ends the episode for learning, the
 * game goes on); evaluation uses the game without it.
 */
import { atariEnvIds } from '../atari/gym';
import { CROPPED_PREFIX, PREPROCESSED_PREFIX, PREPROCESSED84_PREFIX, type TrainingEnvOptions } from './atari';
import type { Env } from './core';
import { make, registration, type EnvSpec, type MakeOptions } from './registry';

export { CROPPED_PREFIX, PREPROCESSED_PREFIX, PREPROCESSED84_PREFIX, type TrainingEnvOptions } from './atari';

const isPreprocessed = (id: string): boolean =>
  id.startsWith(PREPROCESSED_PREFIX) || id.startsWith(CROPPED_PREFIX) || id.startsWith(PREPROCESSED84_PREFIX);

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

/** The spec of the training environment for `envId` (for `makeVec` and worker threads). */
export function trainingEnvSpec(envId: string, seed?: number, opts: TrainingEnvOptions = {}): EnvSpec {
  const id = trainingEnvId(envId);
  const options = checkedOptions(envId, id, opts);
  return { id, ...(seed === undefined ? {} : { seed }), ...(options ? { options } : {}) };
}
