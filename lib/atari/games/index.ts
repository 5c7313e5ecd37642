/** The registry of supported games. */
import { closestMatch } from '../../util/text';
import { breakout } from './breakout';
import type { GameSpec } from './game';
import { kangaroo } from './kangaroo';
import { kungFuMaster } from './kung_fu_master';
import { pong } from './pong';

export type { GameRules, GameSpec, ModeSelect } from './game';
export { bcd, readRam } from './game';

export const GAMES: readonly GameSpec[] = [kungFuMaster, kangaroo, breakout, pong];

/** A game by ALE id (`kung_fu_master`) or Gymnasium name (`KungFuMaster`). */
export function getGame(name: string): GameSpec {
  const game = GAMES.find((g) => g.id === name || g.gymName === name);
  if (game) return game;
  const names = GAMES.flatMap((g) => [g.id, g.gymName]);
  const near = closestMatch(name, names);
  throw new Error(
    `Unknown game '${name}'.${near ? ` Did you mean '${near}'?` : ''} Supported games: ${GAMES.map((g) => g.id).join(', ')}.`,
  );
}

/** The game a ROM image belongs to, from its md5 (any known release), or null. */
export function gameForMd5(md5: string): GameSpec | null {
  return GAMES.find((g) => g.md5 === md5 || g.otherMd5.some((o) => o.md5 === md5)) ?? null;
}
