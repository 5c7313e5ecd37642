/**
 * Gymnasium-style Atari ids and their settings (ALE 0.12.1 registration; the Deterministic ids as
 * registered before ALE removed them). The env that plays them the way Gymnasium's AtariEnv drives ALE
 * (frame skip applied outside ALE, terminated/truncated split) is lib/envs' `AtariEnv`, built on
 * `AleInterface` and these settings.
 */
import { GAMES } from './games';
import { closestMatch } from '../util/text';

export type ObsType = 'rgb' | 'grayscale' | 'ram';

export interface AtariEnvConfig {
  id: string;
  /** ALE game id (`kung_fu_master`). */
  game: string;
  /** Frames per step: fixed, or [lo, hi) drawn uniformly on every step. */
  frameskip: number | readonly [number, number];
  repeatActionProbability: number;
  maxNumFramesPerEpisode: number;
  fullActionSpace: boolean;
  obsType: ObsType;
  mode?: number;
  difficulty?: number;
}

const VARIANTS: ReadonlyArray<{ suffix: (g: string) => string; frameskip: number | [number, number]; p: number }> = [
  { suffix: (g) => `${g}-v0`, frameskip: [2, 5], p: 0.25 },
  { suffix: (g) => `${g}-v4`, frameskip: [2, 5], p: 0 },
  { suffix: (g) => `${g}NoFrameskip-v0`, frameskip: 1, p: 0.25 },
  { suffix: (g) => `${g}NoFrameskip-v4`, frameskip: 1, p: 0 },
  { suffix: (g) => `${g}Deterministic-v0`, frameskip: 4, p: 0.25 },
  { suffix: (g) => `${g}Deterministic-v4`, frameskip: 4, p: 0 },
  { suffix: (g) => `ALE/${g}-v5`, frameskip: 4, p: 0.25 },
];

/** Every supported id. */
export function atariEnvIds(): string[] {
  return GAMES.flatMap((g) => VARIANTS.map((v) => v.suffix(g.gymName)));
}

/** The settings of an id, with optional overrides (obsType, mode, ...). */
export function atariEnvConfig(id: string, overrides: Partial<Omit<AtariEnvConfig, 'id' | 'game'>> = {}): AtariEnvConfig {
  for (const g of GAMES) {
    for (const v of VARIANTS) {
      if (v.suffix(g.gymName) !== id) continue;
      const config: AtariEnvConfig = {
        id,
        game: g.id,
        frameskip: v.frameskip,
        repeatActionProbability: v.p,
        maxNumFramesPerEpisode: 108000,
        fullActionSpace: false,
        obsType: 'rgb',
        ...overrides,
      };
      validateConfig(config);
      return config;
    }
  }
  const near = closestMatch(id, atariEnvIds());
  throw new Error(`Unknown Atari environment id '${id}'.${near ? ` Did you mean '${near}'?` : ''} Known ids: ${atariEnvIds().join(', ')}`);
}

function validateConfig(c: AtariEnvConfig): void {
  const fs = c.frameskip;
  if (typeof fs === 'number') {
    if (!Number.isInteger(fs) || fs < 1) throw new Error(`frameskip must be an integer >= 1, got ${fs}`);
  } else if (!Array.isArray(fs) || fs.length !== 2 || !Number.isInteger(fs[0]) || !Number.isInteger(fs[1]) || fs[0] < 1 || fs[1] <= fs[0]) {
    throw new Error(`frameskip must be an integer or a pair [lo, hi) with 1 <= lo < hi, got ${JSON.stringify(fs)}`);
  }
  if (!['rgb', 'grayscale', 'ram'].includes(c.obsType)) throw new Error(`obsType must be 'rgb', 'grayscale' or 'ram', got '${c.obsType}'`);
  if (!(c.repeatActionProbability >= 0 && c.repeatActionProbability <= 1)) {
    throw new Error(`repeatActionProbability must be in [0, 1], got ${c.repeatActionProbability}`);
  }
}
