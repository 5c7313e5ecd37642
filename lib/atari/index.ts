export { Atari2600, JOY_UP, JOY_DOWN, JOY_LEFT, JOY_RIGHT, JOY_FIRE, DEFAULT_SYSTEM_RANDOM_SEED } from './console';
export type { Atari2600Options, ConsoleSwitches, ControllerKind, DisplayFormat } from './console';
export { Tia, MAX_RESISTANCE } from './tia';
export type { TiaCpu, TiaDisplayOptions } from './tia';
