/**
 * Identifying ROM bytes, wherever they were read from (a file found by lib/atari/roms.ts in Node, or a
 * file the reader picks in the live book): the size must be one this emulator runs, and the MD5 that of
 * a release of a supported game (both Kung-Fu Master releases are listed in its game file).
 */
import { md5Hex } from '../util/md5';
import { gameForMd5, GAMES, type GameSpec } from './games';

/** The image sizes the cartridge types of lib/atari/cartridge.ts take. */
export const ROM_SIZES: readonly number[] = [2048, 4096, 8192, 16384, 32768];

export const ROM_HELP =
  'Atari ROMs are not shipped with this project. A legal source is the Python package ale-py, which bundles ' +
  'the ROMs ALE supports: `pip install ale-py`, then find them with ' +
  '`python -c "import ale_py.roms, os; print(os.path.dirname(ale_py.roms.__file__))"` and point ' +
  'GRADIENT_DOJO_ROMS at that folder (or copy the .bin files into roms/ in this project).';

export interface LoadedRom {
  /** Where the bytes came from: a file path (Node) or a file name (a browser). */
  path: string;
  bytes: Uint8Array;
  md5: string;
  game: GameSpec;
  /** The release, when the md5 is not the one ALE expects but a known equivalent. */
  release: string | null;
}

const UNLISTED_HELP = 'Use the ROM files bundled with ale-py, or pass the game explicitly to run an unlisted release.';

/** Checks that bytes can be an Atari 2600 ROM image (by size); throws a clear error otherwise. */
export function checkRomBytes(bytes: Uint8Array, where: string, help = ROM_HELP): void {
  if (!ROM_SIZES.includes(bytes.length)) {
    throw new Error(
      `${where} is not an Atari 2600 ROM this emulator can run: it has ${bytes.length} bytes, expected one of ` +
        `${ROM_SIZES.join(', ')}. Is it the right file (a .bin ROM image, not a zip or a ROM list)? ${help}`,
    );
  }
}

/** Every supported ROM, as `game (md5 or md5)`. */
export function supportedRoms(): string {
  return GAMES.map((g) => `${g.id} (${[g.md5, ...g.otherMd5.map((o) => o.md5)].join(' or ')})`).join('; ');
}

/**
 * Identifies `bytes` (read from `path`) by size and md5. `wanted`: the game the caller asks for (null:
 * any supported game); a file of another game is refused. `forced`: run it as `wanted` even when its
 * md5 is of no known release. `help` ends the error messages (what to do instead; by default, where
 * ROMs come from and how to run an unlisted release).
 */
export function identifyRom(bytes: Uint8Array, path: string, wanted: GameSpec | null = null, forced = false, help?: string): LoadedRom {
  checkRomBytes(bytes, `'${path}'`, help ?? ROM_HELP);
  const md5 = md5Hex(bytes);
  const known = gameForMd5(md5);
  const game = wanted ?? known;
  if (!game || (known && wanted && known !== wanted) || (!known && !forced)) {
    const what = known ? `the ROM of '${known.id}'` : 'not a ROM of any supported game';
    throw new Error(`'${path}' has md5 ${md5}, which is ${what}. Supported ROMs: ${supportedRoms()}. ${help ?? UNLISTED_HELP}`);
  }
  const release = md5 === game.md5 ? null : (game.otherMd5.find((o) => o.md5 === md5)?.release ?? 'unlisted release');
  return { path, bytes, md5, game, release };
}
