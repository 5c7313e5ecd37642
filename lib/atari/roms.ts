/**
 * Finding and identifying ROM files.
 *
 * Lookup order for a game's ROM (`<id>.bin`, e.g. `kung_fu_master.bin`): the folder named by the
 * environment variable GRADIENT_DOJO_ROMS, then `../shared/roms`, then `roms/` in the project.
 * ROMs are identified by md5 against the releases each game file lists.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { md5Hex } from './cartridge';
import { gameForMd5, getGame, GAMES, type GameSpec } from './games';
import { projectRoot, sharedPath } from '../util/paths';

const ROM_SIZES = [2048, 4096, 8192, 16384, 32768];

export const ROM_HELP =
  'Atari ROMs are not shipped with this project. A legal source is the Python package ale-py, which bundles ' +
  'the ROMs ALE supports: `pip install ale-py`, then find them with ' +
  '`python -c "import ale_py.roms, os; print(os.path.dirname(ale_py.roms.__file__))"` and point ' +
  'GRADIENT_DOJO_ROMS at that folder (or copy the .bin files into roms/ in this project).';

/** The folders searched for ROMs, in order (only those that exist). */
export function romSearchDirs(): string[] {
  const dirs: string[] = [];
  const fromEnv = process.env.GRADIENT_DOJO_ROMS;
  if (fromEnv) dirs.push(resolve(fromEnv));
  const shared = sharedPath('roms');
  if (shared) dirs.push(shared);
  dirs.push(join(projectRoot(), 'roms'));
  return dirs.filter((d, i) => dirs.indexOf(d) === i && existsSync(d));
}

export interface LoadedRom {
  path: string;
  bytes: Uint8Array;
  md5: string;
  game: GameSpec;
  /** The release, when the md5 is not the one ALE expects but a known equivalent. */
  release: string | null;
}

/** Path of a game's ROM file; throws a clear error when it is nowhere to be found. */
export function findRom(gameName: string): string {
  const game = getGame(gameName);
  const searched: string[] = [];
  const fromEnv = process.env.GRADIENT_DOJO_ROMS;
  if (fromEnv && !existsSync(fromEnv)) {
    throw new Error(`GRADIENT_DOJO_ROMS is set to '${fromEnv}', which does not exist. Fix the path or unset it. ${ROM_HELP}`);
  }
  for (const dir of romSearchDirs()) {
    const p = join(dir, `${game.id}.bin`);
    searched.push(p);
    if (existsSync(p)) return p;
  }
  const candidates = [fromEnv ? resolve(fromEnv) : null, '../shared/roms', join(projectRoot(), 'roms')].filter(Boolean);
  throw new Error(
    `ROM for '${game.id}' not found: looked for ${game.id}.bin in ${searched.length ? searched.map((s) => resolve(s, '..')).join(', ') : candidates.join(', ')}. ` +
      ROM_HELP,
  );
}

/** Checks that bytes can be an Atari 2600 ROM image (by size); throws a clear error otherwise. */
export function checkRomBytes(bytes: Uint8Array, where: string): void {
  if (!ROM_SIZES.includes(bytes.length)) {
    throw new Error(
      `${where} is not an Atari 2600 ROM this emulator can run: it has ${bytes.length} bytes, expected one of ` +
        `${ROM_SIZES.join(', ')}. Is it the right file (a .bin ROM image, not a zip or a ROM list)? ${ROM_HELP}`,
    );
  }
}

/**
 * Loads a ROM by game name (`kung_fu_master`, `KungFuMaster`) or by file path, and identifies it.
 * A file whose md5 matches no supported release is rejected (pass `game` to run it as that game).
 */
export function loadRom(gameOrPath: string, options: { game?: string } = {}): LoadedRom {
  const isPath = gameOrPath.includes('/') || gameOrPath.includes('\\') || gameOrPath.endsWith('.bin');
  const path = isPath ? resolve(gameOrPath) : findRom(gameOrPath);
  if (!existsSync(path)) throw new Error(`ROM file '${gameOrPath}' does not exist. ${ROM_HELP}`);
  if (!statSync(path).isFile()) throw new Error(`'${gameOrPath}' is not a file.`);
  const bytes = new Uint8Array(readFileSync(path));
  checkRomBytes(bytes, `'${path}'`);
  const md5 = md5Hex(bytes);
  const known = gameForMd5(md5);
  const wanted = options.game ? getGame(options.game) : !isPath ? getGame(gameOrPath) : null;
  const game = wanted ?? known;
  if (!game || (known && wanted && known !== wanted) || (!known && !options.game)) {
    const list = GAMES.map((g) => `${g.id} (${[g.md5, ...g.otherMd5.map((o) => o.md5)].join(' or ')})`).join('; ');
    const what = known ? `the ROM of '${known.id}'` : 'not a ROM of any supported game';
    throw new Error(
      `'${path}' has md5 ${md5}, which is ${what}. Supported ROMs: ${list}. ` +
        `Use the ROM files bundled with ale-py, or pass the game explicitly to run an unlisted release.`,
    );
  }
  const release = md5 === game.md5 ? null : (game.otherMd5.find((o) => o.md5 === md5)?.release ?? 'unlisted release');
  return { path, bytes, md5, game, release };
}
