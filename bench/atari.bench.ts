/**
 * Atari emulator throughput on one core: emulated frames per second through the ALE layer with
 * random actions (resets after game over included in the time, not in the frame count).
 *   atari.kung_fu_master.fps        frame skip 1, emulation only
 *   atari.kung_fu_master.fps_gray4  an agent acting every 4th frame: ALE frame skip 4 and a grayscale
 *                                   screen fetched after every act (frames/s counts emulated frames)
 *   atari.pong.fps                  frame skip 1, emulation only (paddles)
 * Time is the process's CPU time (user + system), so other programs on the machine do not distort
 * the figures. Prints a table and `BENCH <name> <value> frames/s` lines (median of several runs).
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

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Frames/s for `game`; with `grayEvery` > 0 the agent acts (and looks) every `grayEvery` frames. */
function measure(game: string, grayEvery: number): { median: number; runs: number[] } {
  const skip = grayEvery > 0 ? grayEvery : 1;
  const ale = new AleInterface(loadRom(game), { repeatActionProbability: 0, frameSkip: skip });
  const actions = ale.getMinimalActionSet();
  const gray = new Uint8Array(ale.screenHeight * ale.screenWidth);
  const rng = new Rng(1);
  const run = (frames: number): number => {
    const t0 = cpuMs();
    for (let i = 0; i < frames; i += skip) {
      ale.act(actions[rng.int(actions.length)]);
      if (grayEvery > 0) ale.getScreenGrayscale(gray);
      if (ale.gameOver()) ale.resetGame();
    }
    return (frames / (cpuMs() - t0)) * 1000;
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
console.log(`\n${'figure'.padEnd(32)} ${'frames/s'.padStart(8)}   (median of ${RUNS} runs of ${FRAMES} frames, per CPU-second)`);
for (const r of rows) console.log(r);
