import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The project's root folder (the one holding package.json). */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'lib'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`Cannot find the gradient-dojo project root above ${__dirname}`);
    dir = up;
  }
}

/**
 * The folder of shared data (reference traces, ROMs, test binaries): `GRADIENT_DOJO_SHARED` when set,
 * else `../shared` beside the project. Returns null when neither exists.
 */
export function sharedDir(): string | null {
  const fromEnv = process.env.GRADIENT_DOJO_SHARED;
  if (fromEnv) return existsSync(fromEnv) ? resolve(fromEnv) : null;
  const beside = resolve(projectRoot(), '..', 'shared');
  return existsSync(beside) ? beside : null;
}

/** A path inside the shared data folder, or null when the folder or the file is missing. */
export function sharedPath(...parts: string[]): string | null {
  const dir = sharedDir();
  if (!dir) return null;
  const p = join(dir, ...parts);
  return existsSync(p) ? p : null;
}
