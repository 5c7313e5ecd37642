/**
 * ROMs in the live book: the browser's stand-in for lib/atari/roms.ts (scripts/build-live.mjs bundles
 * this file in its place). A page cannot search folders; the reader picks their own ROM file, which is
 * identified exactly as in Node (lib/atari/rom-id.ts: size and MD5, every known release) and kept in
 * memory only: nothing is sent anywhere.
 */
import { getGame } from '../atari/games';
import { identifyRom, ROM_SIZES, type LoadedRom } from '../atari/rom-id';

export type { LoadedRom };

const supplied = new Map<string, LoadedRom>();

/** What to do instead, ending every message about a wrong file. */
export function romAdvice(gameName: string): string {
  const game = getGame(gameName);
  const releases = [game.md5, ...game.otherMd5.map((o) => o.md5)];
  return (
    `Choose the file ${game.id}.bin as the Python package ale-py bundles it (pip install ale-py; it sits in the ` +
    `package's roms/ folder); ${releases.length > 1 ? `any of its ${releases.length} releases is accepted (MD5 ${releases.join(' or ')})` : `MD5 ${releases[0]}`}.`
  );
}

/**
 * Throws, saying what to pick instead, when a file of `size` bytes cannot be an Atari 2600 ROM (checked
 * before a file is read: the reader may pick any file, a film as well).
 */
export function checkRomSize(size: number, fileName: string, gameName: string): void {
  if (!ROM_SIZES.includes(size)) {
    throw new Error(
      `'${fileName}' is not an Atari 2600 ROM: it has ${size} bytes, and a ROM image has one of ${ROM_SIZES.join(', ')}. ${romAdvice(gameName)}`,
    );
  }
}

/**
 * Identifies the bytes of a file the reader picked as a ROM of `gameName` and keeps them for `loadRom`;
 * throws an error saying what the file is and what to pick instead.
 */
export function supplyRom(bytes: Uint8Array, fileName: string, gameName: string): LoadedRom {
  const game = getGame(gameName);
  checkRomSize(bytes.length, fileName, gameName);
  const rom = identifyRom(bytes, fileName, game, false, romAdvice(gameName));
  supplied.set(game.id, rom);
  return rom;
}

/** The ROM the reader supplied for a game (lib/atari/roms.ts' `loadRom`, by game name only). */
export function loadRom(gameOrPath: string): LoadedRom {
  const game = getGame(gameOrPath);
  const rom = supplied.get(game.id);
  if (!rom) throw new Error(`no ROM for '${game.id}' yet: choose your ${game.id}.bin with the file input first. ${romAdvice(game.id)}`);
  return rom;
}
