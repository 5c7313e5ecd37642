/**
 * Atari emulator throughput on one core: frames per second through the ALE layer with random
 * actions and frame skip 1 (resets after game over included in the time, not in the frame count).
 *   atari.kung_fu_master.fps        emulation only
 *   atari.kung_fu_master.fps_gray4  plus a grayscale screen fetched every 4th frame (an agent with frame skip 4)
 *   atari.pong.fps                  emulation only (paddles)
 * Prints a table and `BENCH <name> <value> frames/s` lines (median of several runs).
 * `--quick` runs fewer frames.
 */
import { AleInterface } from '../lib/atari/ale';
import { loadRom } from '../lib/atari/roms';
import { Rng } from '../lib/util/rng';

const quick = process.argv.includes('--quick');
const FRAMES = quick ? 1500 : 5000;
const RUNS = quick ? 3 : 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function measure(game: string, grayEvery: number): { median: number; runs: number[] } {
  const ale = new AleInterface(loadRom(game), { repeatActionProbability: 0, frameSkip: 1 });
  const actions = ale.getMinimalActionSet();
  const gray = new Uint8Array(ale.screenHeight * ale.screenWidth);
  const rng = new Rng(1);
  const run = (frames: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < frames; i++) {
      ale.act(actions[rng.int(actions.length)]);
      if (grayEvery > 0 && i % grayEvery === grayEvery - 1) ale.getScreenGrayscale(gray);
      if (ale.gameOver()) ale.resetGame();
    }
    return (frames / (performance.now() - t0)) * 1000;
  };
  run(FRAMES / 2); // warm-up: let the JIT settle
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(run(FRAMES));
  return { median: median(runs), runs };
}

const cases: [string, string, number][] = [
  ['atari.kung_fu_master.fps', 'kung_fu_master', 0],
  ['atari.kung_fu_master.fps_gray4', 'kung_fu_master', 4],
  ['atari.pong.fps', 'pong', 0],
];

const rows: string[] = [];
for (const [name, game, grayEvery] of cases) {
  const { median: fps, runs } = measure(game, grayEvery);
  console.log(`BENCH ${name} ${Math.round(fps)} frames/s`);
  rows.push(`${name.padEnd(32)} ${String(Math.round(fps)).padStart(8)}   runs: ${runs.map((r) => Math.round(r)).join(', ')}`);
}
console.log(`\n${'figure'.padEnd(32)} ${'frames/s'.padStart(8)}   (median of ${RUNS} runs of ${FRAMES} frames, one core)`);
for (const r of rows) console.log(r);
