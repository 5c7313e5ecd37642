import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { needShared } from '../helpers';
import { ResizePlan, rgbToGray } from '../../lib/envs/image';
import { PreprocessAtari, PRACTICAL_RL_CROP } from '../../lib/envs';
import { ScreenReplayEnv } from './screen-env';

interface RefCase {
  screen: string;
  crop: 'none' | 'practical_rl';
  resized_rgb_u8: number[];
  gray_bgr_weights_u8: number[];
  gray_rgb_weights_u8: number[];
}

function diffCount(a: ArrayLike<number>, b: ArrayLike<number>): { differ: number; maxAbs: number } {
  let differ = 0, maxAbs = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { differ++; maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i])); }
  return { differ, maxAbs };
}

/** Checks every case: resize, both greyscales, and the wrapper's float output; returns pixel counts. */
function checkCases(cases: RefCase[], screenPath: (name: string) => string): { pixels: number; offByOne: number } {
  let pixels = 0, offByOne = 0;
  for (const c of cases) {
    const rgb = new Uint8Array(readFileSync(screenPath(c.screen)));
    const plan = new ResizePlan(160, 210, 3, 42, 42, c.crop === 'none' ? undefined : PRACTICAL_RL_CROP);
    const resized = new Uint8Array(plan.outputSize);
    plan.resize(rgb, resized);
    const d = diffCount(resized, c.resized_rgb_u8);
    assert.ok(d.maxAbs <= 1, `${c.screen} ${c.crop}: resize differs by ${d.maxAbs} grey levels`);
    offByOne += d.differ;
    pixels += resized.length;
    for (const [weights, want] of [['bgr', c.gray_bgr_weights_u8], ['rgb', c.gray_rgb_weights_u8]] as const) {
      const g = new Uint8Array(1764);
      rgbToGray(new Uint8Array(c.resized_rgb_u8), 1764, g, weights);
      assert.deepEqual(Array.from(g), want, `${c.screen} ${c.crop} ${weights}: greyscale of OpenCV's resize`);
      // Through the wrapper: the newest frame of the stack is the reference divided by 255 in float32.
      const env = new PreprocessAtari(new ScreenReplayEnv([rgb]), { crop: c.crop, grayscale: weights === 'bgr' ? 'notebook-bgr' : 'luma' });
      const { obs } = env.reset();
      const newest = obs.subarray(3 * 1764);
      let worst = 0;
      for (let i = 0; i < 1764; i++) worst = Math.max(worst, Math.abs(newest[i] * 255 - want[i]));
      assert.ok(worst <= 1 + 1e-4, `${c.screen} ${c.crop} ${weights}: wrapper output off by ${worst}`);
      for (let i = 0; i < 1764; i++) {
        if (d.differ === 0) assert.equal(newest[i], Math.fround(want[i] / 255));
      }
      assert.ok(obs.subarray(0, 3 * 1764).every((v) => v === 0), 'older frames are zero after reset');
    }
  }
  return { pixels, offByOne };
}

test('resize + greyscale match OpenCV on the committed Kung-Fu fixture', (t) => {
  const dir = join(__dirname, '..', 'fixtures', 'envs');
  const ref = JSON.parse(readFileSync(join(dir, 'preprocess_kung_fu_master_100.json'), 'utf8')) as { cases: RefCase[] };
  const r = checkCases(ref.cases, (n) => join(dir, n));
  t.diagnostic(`${r.pixels} resized values, ${r.offByOne} off by one`);
  assert.equal(r.offByOne, 0);
});

test('resize + greyscale match OpenCV for every reference case (exact or off by one, counted)', (t) => {
  const file = needShared(t, 'reference', 'preprocess', 'preprocess_reference.json');
  if (!file) return;
  const ref = JSON.parse(readFileSync(file, 'utf8')) as { cases: RefCase[] };
  assert.ok(ref.cases.length >= 50);
  const r = checkCases(ref.cases, (n) => {
    const p = needShared(t, 'reference', 'ale', n);
    if (!p) throw new Error(`missing ${n}`);
    return p;
  });
  t.diagnostic(`${ref.cases.length} cases, ${r.pixels} resized values, ${r.offByOne} off by one grey level`);
  // Our resize reproduces OpenCV's SIMD rounding; nothing is expected to differ.
  assert.equal(r.offByOne, 0);
});

test("the scalar ('exact') rounding differs from OpenCV by at most one level", () => {
  const dir = join(__dirname, '..', 'fixtures', 'envs');
  const rgb = new Uint8Array(readFileSync(join(dir, 'kung_fu_master_seed1_6000.rgb.100.bin')));
  const ref = JSON.parse(readFileSync(join(dir, 'preprocess_kung_fu_master_100.json'), 'utf8')) as { cases: RefCase[] };
  const plan = new ResizePlan(160, 210, 3, 42, 42, undefined, 'exact');
  const out = new Uint8Array(plan.outputSize);
  plan.resize(rgb, out);
  const d = diffCount(out, ref.cases.find((c) => c.crop === 'none')!.resized_rgb_u8);
  assert.ok(d.maxAbs <= 1);
});

test('frame stacking: oldest first, channels-first and channels-last agree', () => {
  const dir = join(__dirname, '..', 'fixtures', 'envs');
  const base = new Uint8Array(readFileSync(join(dir, 'kung_fu_master_seed1_6000.rgb.100.bin')));
  // Five distinct screens: the base picture brightened by k.
  const screens = [0, 20, 40, 60, 80].map((k) => base.map((v) => Math.min(255, v + k)));
  const first = new PreprocessAtari(new ScreenReplayEnv(screens));
  const last = new PreprocessAtari(new ScreenReplayEnv(screens), { channelOrder: 'channels-last' });
  assert.deepEqual(first.observationSpace.shape, [4, 42, 42]);
  assert.deepEqual(last.observationSpace.shape, [42, 42, 4]);
  const frame = (k: number) => { const f = new Float32Array(1764); first.processFrame(screens[k], f); return f; };
  first.reset(); last.reset();
  let o1 = first.step(0).obs, o2 = last.step(0).obs;
  o1 = first.step(0).obs; o2 = last.step(0).obs;
  o1 = first.step(0).obs; o2 = last.step(0).obs;
  o1 = first.step(0).obs; o2 = last.step(0).obs; // frames 1..4 seen after the reset frame 0
  for (let f = 0; f < 4; f++) {
    const want = frame(f + 1);
    assert.deepEqual(Array.from(o1.subarray(f * 1764, (f + 1) * 1764)), Array.from(want), `channels-first frame ${f}`);
    for (let p = 0; p < 1764; p += 97) assert.equal(o2[p * 4 + f], want[p], `channels-last pixel ${p} frame ${f}`);
  }
  assert.ok(first.observationSpace.contains(o1));
});

test('colour mode keeps 3 channels per frame; bad options are explained', () => {
  const dir = join(__dirname, '..', 'fixtures', 'envs');
  const rgb = new Uint8Array(readFileSync(join(dir, 'kung_fu_master_seed1_6000.rgb.100.bin')));
  const env = new PreprocessAtari(new ScreenReplayEnv([rgb]), { grayscale: 'none', nFrames: 2, height: 84, width: 84 });
  assert.deepEqual(env.observationSpace.shape, [6, 84, 84]);
  assert.equal(env.reset().obs.length, 6 * 84 * 84);
  assert.throws(() => new PreprocessAtari(new ScreenReplayEnv([rgb]), { crop: { top: 0, bottom: 300, left: 0, right: 10 } }), /does not fit a 210x160 image/);
  assert.throws(() => new PreprocessAtari(new ScreenReplayEnv([rgb]), { dimOrder: 'pytorch' } as never), /unknown option 'dimOrder'/);
  assert.throws(() => new PreprocessAtari(new ScreenReplayEnv([rgb]), { nFrames: 0 }), /nFrames must be a positive integer/);
});
