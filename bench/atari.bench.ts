/**
 * Atari emulator throughput on one core: emulated frames per second through the ALE layer with
 * random actions (resets after game over included in the time, not in the frame count).
 *   atari.kung_fu_master.fps            frame skip 1, a random action every frame, emulation only
 *                                       (every frame drawn, no screen fetched)
 *   atari.kung_fu_master.fps_fs1_gray4  frame skip 1, a random action every frame, a grayscale screen
 *                                       fetched every 4th frame; the three acts in between pass
 *                                       `render: false` (nobody looks at their screens)
 *   atari.kung_fu_master.fps_fs1_gray4_drawall  the same without `render: false`: every frame drawn
 *   atari.kung_fu_master.fps_fs4_gray   ALE frame skip 4 (one random action per 4 frames) and a
 *                                       grayscale screen fetched after every act
 *   atari.pong.fps                      frame skip 1, emulation only (paddles)
 * Time is the process's CPU time (user + system), so other programs on the machine distort the
 * figures less; wall-clock frames/s and the load average are printed alongside. The cases run
 * interleaved, one run of each in turn, so a change in load hits them all alike. Prints a table
 * and `BENCH <name> <value> frames/s` lines (median of the runs; the table also shows the best).
 * `--quick` runs fewer frames.
 */
import { loadavg } from 'node:os';
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

interface Case {
  name: string;
  game: string;
  /** ALE frame skip. */
  frameSkip: number;
  /** Fetch a grayscale screen every this many frames (0: never). */
  grayEvery: number;
  /** Pass `render: false` to acts whose screen is not fetched. */
  skipUnseen: boolean;
}

const cases: Case[] = [
  { name: 'atari.kung_fu_master.fps', game: 'kung_fu_master', frameSkip: 1, grayEvery: 0, skipUnseen: false },
  { name: 'atari.kung_fu_master.fps_fs1_gray4', game: 'kung_fu_master', frameSkip: 1, grayEvery: 4, skipUnseen: true },
  { name: 'atari.kung_fu_master.fps_fs1_gray4_drawall', game: 'kung_fu_master', frameSkip: 1, grayEvery: 4, skipUnseen: false },
  { name: 'atari.kung_fu_master.fps_fs4_gray', game: 'kung_fu_master', frameSkip: 4, grayEvery: 4, skipUnseen: false },
  { name: 'atari.pong.fps', game: 'pong', frameSkip: 1, grayEvery: 0, skipUnseen: false },
];

/** A runner for one case: plays `frames` frames, returns [CPU frames/s, wall-clock frames/s]. */
function runner(c: Case): (frames: number) => [number, number] {
  const ale = new AleInterface(loadRom(c.game), { repeatActionProbability: 0, frameSkip: c.frameSkip });
  const actions = ale.getMinimalActionSet();
  const gray = new Uint8Array(ale.screenHeight * ale.screenWidth);
  const rng = new Rng(1);
  const hidden = { render: false };
  let frame = 0;
  return (frames) => {
    const t0 = cpuMs();
    const w0 = performance.now();
    for (let i = 0; i < frames; i += c.frameSkip) {
      frame += c.frameSkip;
      const fetch = c.grayEvery > 0 && frame % c.grayEvery === 0;
      const action = actions[rng.int(actions.length)];
      if (c.skipUnseen && !fetch) ale.act(action, hidden);
      else ale.act(action);
      if (fetch) ale.getScreenGrayscale(gray);
      if (ale.gameOver()) ale.resetGame();
    }
    return [(frames / (cpuMs() - t0)) * 1000, (frames / (performance.now() - w0)) * 1000];
  };
}

const runners = cases.map(runner);
for (const run of runners) run(FRAMES / 2); // warm-up: let the JIT settle
const cpu: number[][] = cases.map(() => []);
const wall: number[][] = cases.map(() => []);
const load0 = loadavg()[0];
for (let r = 0; r < RUNS; r++) {
  runners.forEach((run, k) => {
    const [c, w] = run(FRAMES);
    cpu[k].push(c);
    wall[k].push(w);
  });
}
const load1 = loadavg()[0];

const round = (x: number): string => String(Math.round(x));
for (const [k, c] of cases.entries()) console.log(`BENCH ${c.name} ${round(median(cpu[k]))} frames/s`);
console.log(
  `\n${'figure'.padEnd(44)} ${'median'.padStart(7)} ${'best'.padStart(7)} ${'wall'.padStart(7)}   ` +
    `(frames/s per CPU-second; ${RUNS} interleaved runs of ${FRAMES} frames; wall: median wall-clock frames/s)`,
);
cases.forEach((c, k) => {
  const figures = [median(cpu[k]), Math.max(...cpu[k]), median(wall[k])].map((x) => round(x).padStart(7)).join(' ');
  console.log(`${c.name.padEnd(44)} ${figures}   runs: ${cpu[k].map(round).join(', ')}`);
});
console.log(`load average (1 min) ${load0.toFixed(2)} at the start, ${load1.toFixed(2)} at the end`);
