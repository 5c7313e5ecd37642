import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { needShared } from '../helpers';
import { ResizePlan, rgbToGray } from '../../lib/envs/image';
import { make, PreprocessAtari, PRACTICAL_RL_CROP, StepOutcome, Wrapper, type Env } from '../../lib/envs';
import { PALETTE_RGB } from '../../lib/atari';
import { Rng } from '../../lib/util/rng';
import { ScreenReplayEnv } from './screen-env';

interface RefCase {
  screen: string;
  crop: 'none' | 'practical_rl';
  resized_rgb_u8: number[];
  gray_bgr_weights_u8: number[];
  gray_rgb_weights_u8: number[];
}

function diffCount(a: ArrayLike<number>, b: ArrayLike<number>): { differ: number; maxAbs: number } {
  let differ = 0,
    maxAbs = 0;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i]) {
      differ++;
      maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
    }
  return { differ, maxAbs };
}

/** The palette indices of an ALE RGB screen (every colour on it is a palette colour). */
function paletteIndices(rgb: Uint8Array): Uint8Array {
  const index = new Map<number, number>();
  for (let i = 254; i >= 0; i -= 2) index.set(PALETTE_RGB[i], i);
  const out = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < out.length; p++) {
    const c = index.get((rgb[3 * p] << 16) | (rgb[3 * p + 1] << 8) | rgb[3 * p + 2]);
    if (c === undefined) throw new Error(`pixel ${p} is not a palette colour`);
    out[p] = c;
  }
  return out;
}

/** Checks every case: resize, both greyscales, the wrapper's float output and the fused palette path; returns pixel counts. */
function checkCases(cases: RefCase[], screenPath: (name: string) => string): { pixels: number; offByOne: number } {
  let pixels = 0,
    offByOne = 0;
  for (const c of cases) {
    const rgb = new Uint8Array(readFileSync(screenPath(c.screen)));
    const plan = new ResizePlan(160, 210, 3, 42, 42, c.crop === 'none' ? undefined : PRACTICAL_RL_CROP);
    const resized = new Uint8Array(plan.outputSize);
    const indices = paletteIndices(rgb);
    plan.resize(rgb, resized);
    const d = diffCount(resized, c.resized_rgb_u8);
    assert.ok(d.maxAbs <= 1, `${c.screen} ${c.crop}: resize differs by ${d.maxAbs} grey levels`);
    offByOne += d.differ;
    pixels += resized.length;
    for (const [weights, want] of [
      ['bgr', c.gray_bgr_weights_u8],
      ['rgb', c.gray_rgb_weights_u8],
    ] as const) {
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
      assert.ok(
        obs.subarray(0, 3 * 1764).every((v) => v === 0),
        'older frames are zero after reset',
      );
      // The fused path (palette indices in, grey floats out) gives exactly the two-step result.
      const fused = new Float32Array(1764);
      plan.resizeGrayFromPalette(indices, PALETTE_RGB, weights, fused);
      const viaRgb = new Float32Array(1764);
      const g2 = new Uint8Array(1764);
      rgbToGray(resized, 1764, g2, weights);
      for (let i = 0; i < 1764; i++) viaRgb[i] = g2[i] / 255;
      assert.deepEqual(
        Array.from(fused),
        Array.from(viaRgb),
        `${c.screen} ${c.crop} ${weights}: resizeGrayFromPalette differs from resize + rgbToGray`,
      );
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
  const frame = (k: number) => {
    const f = new Float32Array(1764);
    first.processFrame(screens[k], f);
    return f;
  };
  first.reset();
  last.reset();
  let o1 = first.step(0).obs,
    o2 = last.step(0).obs;
  o1 = first.step(0).obs;
  o2 = last.step(0).obs;
  o1 = first.step(0).obs;
  o2 = last.step(0).obs;
  o1 = first.step(0).obs;
  o2 = last.step(0).obs; // frames 1..4 seen after the reset frame 0
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
  assert.throws(
    () => new PreprocessAtari(new ScreenReplayEnv([rgb]), { crop: { top: 0, bottom: 300, left: 0, right: 10 } }),
    /does not fit a 210x160 image/,
  );
  assert.throws(() => new PreprocessAtari(new ScreenReplayEnv([rgb]), { dimOrder: 'pytorch' } as never), /unknown option 'dimOrder'/);
  assert.throws(() => new PreprocessAtari(new ScreenReplayEnv([rgb]), { nFrames: 0 }), /nFrames must be a positive integer/);
});

/** Hides the wrapped env's palette-index path, so PreprocessAtari converts full RGB screens. */
class RgbOnly extends Wrapper<Uint8Array, number> {}

test("PreprocessAtari on an Atari env reads palette indices and gives exactly the RGB path's observations", (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  for (const crop of ['none', 'practical_rl'] as const) {
    for (const grayscale of ['luma', 'notebook-bgr'] as const) {
      const atari = () => make('KungFuMasterDeterministic-v0') as Env<Uint8Array, number>;
      const fused = new PreprocessAtari(atari(), { crop, grayscale });
      const viaRgb = new PreprocessAtari(new RgbOnly(atari()), { crop, grayscale });
      assert.ok((fused as unknown as { paletted: unknown }).paletted, 'the fused path is taken on an Atari env');
      assert.equal((viaRgb as unknown as { paletted: unknown }).paletted, null, 'the wrapper hides the palette path');
      const a = new Float32Array(fused.obsSize),
        b = new Float32Array(viaRgb.obsSize);
      fused.resetInto(a, 0, { seed: 3 });
      viaRgb.resetInto(b, 0, { seed: 3 });
      assert.deepEqual(a, b, `${crop} ${grayscale}: reset observation`);
      const rng = new Rng(4);
      const o1 = new StepOutcome(),
        o2 = new StepOutcome();
      for (let s = 0; s < 150; s++) {
        const action = rng.int(14);
        fused.stepInto(action, a, 0, o1);
        viaRgb.stepInto(action, b, 0, o2);
        assert.deepEqual([o1.reward, o1.terminated], [o2.reward, o2.terminated]);
        if (s % 10 === 9) assert.deepEqual(a, b, `${crop} ${grayscale}: observation after step ${s}`);
      }
      assert.ok(a.some((v) => v > 0));
    }
  }
});
