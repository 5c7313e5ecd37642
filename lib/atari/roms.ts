/**
 * Finding and identifying ROM files.
 *
 * Lookup order for a game's ROM (`<id>.bin`, e.g. `kung_fu_master.bin`): the folder named by the
 * environment variable GRADIENT_DOJO_ROMS, then `../shared/roms`, then `roms/` in the project.
 * ROMs are identified by md5 against the releases each game file lists (rom-id.ts, which the live book
 * uses too: in a browser the reader supplies the bytes, see lib/live/roms.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getGame } from './games';
import { checkRomBytes, identifyRom, ROM_HELP, type LoadedRom } from './rom-id';
import { projectRoot, sharedPath } from '../util/paths';

export { checkRomBytes, identifyRom, ROM_HELP, type LoadedRom };

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
  const wanted = options.game ? getGame(options.game) : !isPath ? getGame(gameOrPath) : null;
  return identifyRom(bytes, path, wanted, !!options.game);
}
