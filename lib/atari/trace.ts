/**
 * ALE-style traces: the JSON Lines format of ../shared/reference/ale/*.jsonl (header, the state after
 * reset as step 0, one line per frame, a `reset` line after each game over), produced by our
 * emulator with frame skip 1 and no sticky actions.
 */
import { createHash } from 'node:crypto';
import { AleInterface } from './ale';
import type { LoadedRom } from './roms';

export interface TraceStateLine {
  step: number;
  lives: number;
  ram: string;
  screen_sha1: string;
  frame: number;
  episode_frame: number;
}

export interface TraceActLine {
  step: number;
  action: number;
  reward: number;
  game_over: boolean;
  lives: number;
  ram: string;
  screen_sha1: string;
  frame: number;
  episode_frame: number;
}

export interface TraceResetLine extends TraceStateLine {
  reset: true;
}

export type TraceLine = TraceStateLine | TraceActLine | TraceResetLine;

/** The ALE version and commit whose behaviour the emulator reproduces. */
export const EMULATED_ALE = { version: '0.12.1', commit: 'a9a043e26eba63e1c10debf52adfd469ee1721e1' } as const;

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

function state(ale: AleInterface): Omit<TraceStateLine, 'step'> {
  return {
    lives: ale.lives(),
    ram: Buffer.from(ale.getRAM()).toString('hex'),
    screen_sha1: sha1Hex(ale.screenView),
    frame: ale.getFrameNumber(),
    episode_frame: ale.getEpisodeFrameNumber(),
  };
}

/** The header line, with the keys of the reference traces. */
export function traceHeader(ale: AleInterface, caseName: string, actionsSource: unknown): Record<string, unknown> {
  const o = ale.options;
  return {
    game: ale.game.id,
    case: caseName,
    rom_md5: ale.rom.md5,
    rom_md5_expected_by_ale: ale.game.md5,
    ale_commit: EMULATED_ALE.commit,
    ale_version: EMULATED_ALE.version,
    settings: {
      random_seed: o.randomSeed,
      repeat_action_probability: o.repeatActionProbability,
      frame_skip: o.frameSkip,
      max_num_frames_per_episode: o.maxNumFramesPerEpisode,
      color_averaging: false,
      truncate_on_loss_of_life: o.truncateOnLossOfLife,
      system_random_seed: o.systemRandomSeed,
      reward_min: o.rewardMin,
      reward_max: o.rewardMax,
      mode: o.mode,
      difficulty: o.difficulty,
      available_modes: ale.getAvailableModes(),
      available_difficulties: ale.getAvailableDifficulties(),
      paddle_strength: 1.0,
      player_b_action: 18,
      game_over_call: 'gameOver() i.e. with truncation (no truncation possible since max_num_frames_per_episode=0)',
      init_sequence: 'AleInterface(rom, {randomSeed: 0, repeatActionProbability: 0, frameSkip: 1}) (loads the ROM and resets the game)',
      emulator: 'gradient-dojo lib/atari',
      display_format: 'NTSC',
      screen: { height: ale.screenHeight, width: ale.screenWidth },
    },
    minimal_action_set: ale.getMinimalActionSet(),
    legal_action_set: ale.getLegalActionSet(),
    actions_source: actionsSource,
    state_after_loadROM_before_reset_game: state(ale),
    screen_dumps: 'none (this trace records screen hashes only)',
  };
}

/** A fresh environment with the settings of the reference traces. */
export function traceEnvironment(rom: LoadedRom): AleInterface {
  return new AleInterface(rom, { randomSeed: 0, repeatActionProbability: 0, frameSkip: 1, maxNumFramesPerEpisode: 0 });
}

/**
 * Plays `actions` (one per frame) and yields the trace lines after the header: step 0, then one
 * line per action, plus a reset line after each game over. As in the reference recordings
 * (loadROM, then reset_game), the game is reset once more before step 0. `onStep` sees the
 * environment after every line (for screen dumps).
 */
export function* traceLines(
  ale: AleInterface,
  actions: readonly number[],
  onStep?: (line: TraceLine, ale: AleInterface) => void,
): Generator<TraceLine> {
  ale.resetGame();
  const first: TraceStateLine = { step: 0, ...state(ale) };
  onStep?.(first, ale);
  yield first;
  for (let i = 0; i < actions.length; i++) {
    const step = i + 1;
    const reward = ale.act(actions[i]);
    const s = state(ale);
    const line: TraceActLine = {
      step,
      action: actions[i],
      reward,
      game_over: ale.gameOver(),
      lives: s.lives,
      ram: s.ram,
      screen_sha1: s.screen_sha1,
      frame: s.frame,
      episode_frame: s.episode_frame,
    };
    onStep?.(line, ale);
    yield line;
    if (line.game_over) {
      ale.resetGame();
      const reset: TraceResetLine = { reset: true, step, ...state(ale) };
      onStep?.(reset, ale);
      yield reset;
    }
  }
}
