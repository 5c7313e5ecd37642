/**
 * Plays an Atari game with a seeded random policy and writes what the emulator shows, to look at:
 * PNG files of chosen frames and an animated GIF of the first frames (exact NTSC palette).
 *
 * Usage: node --import tsx scripts/atari-snapshot.ts [game] [--frames 300] [--png 1,100,300]
 *          [--out /tmp/atari-snapshot] [--seed 1] [--gif-every 2]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AleInterface } from '../lib/atari/ale';
import { loadRom } from '../lib/atari/roms';
import { encodePng } from '../lib/atari/png';
import { PALETTE_R, PALETTE_G, PALETTE_B, screenToRgb } from '../lib/atari/palette';
import { Rng } from '../lib/util/rng';

/** The part of the untyped `gifenc` package used here. */
interface GifEncoder {
  writeFrame(index: Uint8Array, width: number, height: number, opts: { palette: number[][]; delay: number }): void;
  finish(): void;
  bytes(): Uint8Array;
}
const { GIFEncoder } = require('gifenc') as { GIFEncoder: () => GifEncoder };

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function positiveInt(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return v;
}

const game = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'kung_fu_master';
const frames = positiveInt('frames', flag('frames', '300'));
const pngFrames = new Set(
  flag('png', `1,${Math.min(100, frames)},${frames}`)
    .split(',')
    .map((s) => positiveInt('png', s)),
);
const out = flag('out', '/tmp/atari-snapshot');
const seed = positiveInt('seed', flag('seed', '1'));
const gifEvery = positiveInt('gif-every', flag('gif-every', '2'));

const ale = new AleInterface(loadRom(game), { repeatActionProbability: 0 });
const actions = ale.getMinimalActionSet();
const rng = new Rng(seed);
const width = ale.screenWidth;
const height = ale.screenHeight;
const palette: [number, number, number][] = Array.from({ length: 256 }, (_, i) => [PALETTE_R[i], PALETTE_G[i], PALETTE_B[i]]);
const gif = GIFEncoder();
mkdirSync(out, { recursive: true });

const written: string[] = [];
let action = 0;
for (let f = 1; f <= frames; f++) {
  if (f % 8 === 1) action = actions[rng.int(actions.length)];
  // Frames that end up in neither the GIF nor a PNG are run without drawing.
  const shown = f % gifEvery === 0 || pngFrames.has(f);
  ale.act(action, { render: shown });
  if (ale.gameOver()) ale.resetGame();
  if (!shown) continue;
  const screen = ale.getScreen();
  if (f % gifEvery === 0) gif.writeFrame(screen, width, height, { palette, delay: (1000 / 60) * gifEvery });
  if (pngFrames.has(f)) {
    const file = join(out, `${game}-${String(f).padStart(5, '0')}.png`);
    writeFileSync(file, encodePng({ width, height, data: screenToRgb(screen) }));
    written.push(file);
  }
}
gif.finish();
const gifFile = join(out, `${game}.gif`);
writeFileSync(gifFile, gif.bytes());
written.push(gifFile);
console.log(`${game}: ${frames} frames, random policy (seed ${seed}); wrote\n  ${written.join('\n  ')}`);
