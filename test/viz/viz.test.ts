import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { make, CartPoleEnv, PreprocessAtari, type Env, type RgbFrame } from '../../lib/envs';
import { TensorBoardWriter } from '../../lib/runs/tensorboard';
import { needShared } from '../helpers';
import {
  agentView,
  crc32,
  defaultGifScale,
  encodePng,
  ewma,
  plotHtml,
  recordEpisode,
  sideBySide,
  tensorboardHtml,
  tensorboardSummary,
  tensorboardText,
  toGif,
  trainingCurves,
  upscale,
} from '../../lib/viz';

/**
 * Minimal GIF reader: screen size, global palette, and every frame's delay and decoded pixels, composited
 * as a browser shows them (a transparent pixel keeps what the previous frame left, disposal 1).
 */
function decodeGif(b: Uint8Array, decode: (index: number) => boolean = () => true) {
  assert.equal(String.fromCharCode(...b.subarray(0, 6)), 'GIF89a');
  const width = b[6] | (b[7] << 8),
    height = b[8] | (b[9] << 8);
  let at = 13;
  let palette: number[][] = [];
  if (b[10] & 0x80) {
    const size = 2 << (b[10] & 7);
    palette = Array.from({ length: size }, (_, i) => [b[at + 3 * i], b[at + 3 * i + 1], b[at + 3 * i + 2]]);
    at += 3 * size;
  }
  const frames: Array<{ delay: number; pixels: Uint8Array; palette: number[][] }> = [];
  let delay = 0,
    transparent = -1;
  let canvas: Uint8Array | null = null;
  const subBlocks = (): Uint8Array => {
    const parts: number[] = [];
    while (b[at] !== 0) {
      const n = b[at];
      parts.push(...b.subarray(at + 1, at + 1 + n));
      at += n + 1;
    }
    at++;
    return Uint8Array.from(parts);
  };
  for (;;) {
    const tag = b[at++];
    if (tag === 0x3b) break;
    if (tag === 0x21) {
      const label = b[at++];
      if (label === 0xf9) {
        delay = b[at + 2] | (b[at + 3] << 8);
        transparent = b[at + 1] & 1 ? b[at + 4] : -1;
        assert.ok(((b[at + 1] >> 2) & 7) <= 1, 'only disposal 0/1 (keep the picture) is composited here');
      }
      subBlocks();
    } else if (tag === 0x2c) {
      const w = b[at + 4] | (b[at + 5] << 8),
        h = b[at + 6] | (b[at + 7] << 8),
        flags = b[at + 8];
      at += 9;
      let pal = palette;
      if (flags & 0x80) {
        const size = 2 << (flags & 7);
        pal = Array.from({ length: size }, (_, i) => [b[at + 3 * i], b[at + 3 * i + 1], b[at + 3 * i + 2]]);
        at += 3 * size;
      }
      const minCode = b[at++];
      const blocks = subBlocks();
      const raw = lzwDecode(blocks, minCode, w * h);
      const pixels: Uint8Array = canvas && transparent >= 0 ? raw.map((v, p) => (v === transparent ? canvas![p] : v)) : raw;
      canvas = pixels;
      frames.push({ delay, pixels: decode(frames.length) ? pixels : new Uint8Array(0), palette: pal });
    } else throw new Error(`bad GIF block 0x${tag.toString(16)} at ${at - 1}`);
  }
  return { width, height, frames };
}

function lzwDecode(data: Uint8Array, minCode: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  const clear = 1 << minCode,
    eoi = clear + 1;
  let size = minCode + 1,
    dict: number[][] = [],
    prev: number[] | null = null,
    n = 0,
    bit = 0;
  const reset = () => {
    dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
    size = minCode + 1;
    prev = null;
  };
  reset();
  while (n < count) {
    let code = 0;
    for (let k = 0; k < size; k++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << k;
    if (code === clear) {
      reset();
      continue;
    }
    if (code === eoi) break;
    const entry: number[] = code < dict.length ? dict[code] : [...prev!, prev![0]];
    for (const v of entry) out[n++] = v;
    if (prev) dict.push([...prev, entry[0]]);
    prev = entry;
    if (dict.length === 1 << size && size < 12) size++;
  }
  return out;
}

function cartpoleFrames(n: number): RgbFrame[] {
  const env = make('CartPole-v1');
  const raw = (env as unknown as { unwrapped: CartPoleEnv }).unwrapped;
  const rec = recordEpisode(env, () => (raw.theta + 0.3 * raw.thetaDot > 0 ? 1 : 0), { seed: 3, maxSteps: n - 1 });
  return rec.frames;
}

test('toGif: 200 CartPole frames decode back to the same pictures', () => {
  const frames = cartpoleFrames(200);
  assert.equal(frames.length, 200);
  const gif = toGif(frames, { fps: 25 });
  const g = decodeGif(gif, (i) => i === 0 || i === 57 || i === 199);
  assert.equal(g.width, 600);
  assert.equal(g.height, 400);
  assert.equal(g.frames.length, 200);
  assert.ok(
    g.frames.every((f) => f.delay === 4),
    'delay 4/100 s at 25 fps',
  );
  for (const k of [0, 57, 199]) {
    const f = g.frames[k];
    for (let p = 0; p < 600 * 400; p += 7) {
      assert.deepEqual(f.palette[f.pixels[p]], Array.from(frames[k].data.subarray(p * 3, p * 3 + 3)), `frame ${k} pixel ${p}`);
    }
  }
});

test('toGif: scale and errors', () => {
  const f = new CartPoleEnv();
  f.reset({ seed: 1 });
  const g = decodeGif(toGif([f.render(), f.render()], { scale: 2, fps: 10 }));
  assert.equal(g.width, 1200);
  assert.equal(g.frames.length, 2);
  assert.throws(() => toGif([]), /at least one frame/);
  assert.throws(
    () =>
      toGif([
        { width: 2, height: 2, data: new Uint8Array(12) },
        { width: 3, height: 2, data: new Uint8Array(18) },
      ]),
    /frame 1 is 3x2/,
  );
});

test('encodePng: valid chunks, CRCs and pixels', () => {
  const frame = upscale({ width: 2, height: 2, data: Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30) }, 3);
  const png = encodePng(frame);
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const dv = new DataView(png.buffer, png.byteOffset);
  let at = 8;
  const chunks: Record<string, Uint8Array> = {};
  while (at < png.length) {
    const len = dv.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    assert.equal(dv.getUint32(at + 8 + len), crc32(png, at + 4, at + 8 + len), `${type} CRC`);
    chunks[type] = png.subarray(at + 8, at + 8 + len);
    at += 12 + len;
  }
  assert.deepEqual(Object.keys(chunks), ['IHDR', 'IDAT', 'IEND']);
  assert.equal(new DataView(chunks.IHDR.buffer, chunks.IHDR.byteOffset).getUint32(0), 6);
  const raw = inflateSync(chunks.IDAT);
  assert.equal(raw.length, 6 * (1 + 18));
  assert.deepEqual(Array.from(raw.subarray(1 + 3 * 3, 1 + 3 * 3 + 3)), [0, 255, 0], 'row 0, x=3 is the green pixel');
  assert.throws(() => encodePng({ width: 2, height: 2, data: new Uint8Array(5) }), /needs 12 bytes/);
});

test('sideBySide puts the game next to the upscaled 4-frame observation', () => {
  const game: RgbFrame = { width: 160, height: 210, data: new Uint8Array(160 * 210 * 3).fill(200) };
  const obs = new Float32Array(4 * 42 * 42);
  for (let c = 0; c < 4; c++) obs.fill(c / 4, c * 1764, (c + 1) * 1764);
  const pic = sideBySide(game, obs, [4, 42, 42]);
  assert.equal(pic.height, 210);
  assert.equal(pic.width, 160 + 4 + 5 * (4 * 42 + 3));
  const px = (x: number, y: number) => pic.data[(y * pic.width + x) * 3];
  assert.equal(px(10, 10), 200);
  assert.equal(px(164 + 5 * 43 * 3 + 2, 2), Math.round(0.75 * 255), 'the newest frame is the right-most');
});

test('training curves: raw and EWMA traces per panel; the HTML embeds plotly once', () => {
  assert.deepEqual(ewma([2, 2, 2], 3), [2, 2, 2]);
  const e = ewma([0, 10], 3); // span 3: alpha 0.5
  assert.ok(Math.abs(e[1] - 20 / 3) < 1e-12);
  const fig = trainingCurves(
    { rewards: [1, 2, 3], entropy: { x: [0, 10, 20], y: [1.9, 1.5, 1.2] }, losses: { policy: [0.1, 0.2, 0.1], value: [3, 2, 1] } },
    { title: 'A2C' },
  );
  assert.equal(fig.data.length, 8);
  assert.deepEqual(fig.data[3].x, [0, 10, 20]);
  assert.equal(fig.data[5].yaxis, 'y3');
  const first = plotHtml(fig);
  const second = plotHtml(fig);
  assert.ok(first.includes('if (!window.Plotly)') && first.length > 1_000_000, 'the first plot carries plotly.js');
  assert.ok(!second.includes('if (!window.Plotly) {') && second.length < 10_000, 'later plots reuse it');
  assert.ok(second.includes('Plotly.newPlot'));
  assert.ok(
    !/<\/script/i.test(first.slice(first.indexOf('<script>') + 8, first.indexOf('}</script>'))),
    'the bundle cannot close its script tag early',
  );
  assert.throws(() => trainingCurves({}), /at least one/);
});

test('toGif: Atari-sized frames (160x210) play at 2x by default, nearest neighbour; wide frames stay as they are', () => {
  const data = new Uint8Array(160 * 210 * 3);
  for (let p = 0; p < 160 * 210; p++) data.set([((p * 7) % 5) * 50, ((p % 160) % 3) * 80, p % 2 ? 255 : 0], p * 3);
  const frame = { width: 160, height: 210, data };
  const g = decodeGif(toGif([frame, frame]));
  assert.deepEqual([g.width, g.height], [320, 420]);
  const f = g.frames[0];
  for (const [x, y] of [
    [0, 0],
    [1, 1],
    [159, 209],
    [77, 130],
  ]) {
    const src = Array.from(data.subarray((y * 160 + x) * 3, (y * 160 + x) * 3 + 3));
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ])
      assert.deepEqual(f.palette[f.pixels[(2 * y + dy) * 320 + 2 * x + dx]], src, `(${x}, ${y})`);
  }
  assert.equal(decodeGif(toGif([frame], { scale: 1 })).width, 160, 'an explicit scale wins');
  assert.equal(decodeGif(toGif([frame], { minWidth: 480 })).width, 480);
  assert.equal(defaultGifScale(600), 1, 'CartPole (600x400) as it is');
  assert.equal(defaultGifScale(42), 8);
  assert.throws(() => toGif([frame], { scale: 1.5 }), /scale must be a positive integer/);
});

test('agentView: after the default 120 steps of Kung-Fu Master, fighters are in the observation', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const env = new PreprocessAtari(make('KungFuMasterDeterministic-v0') as Env<Uint8Array, number>, {
    height: 42,
    width: 42,
    crop: 'practical_rl',
    grayscale: 'luma',
    nFrames: 4,
    channelOrder: 'channels-last',
  });
  // Pixels of the 42x42 frame's middle rows that stand out from their row's background: the empty
  // corridor has 24 (a fixed pattern), Thomas alone about 40, Thomas and a gripper over 45.
  const figurePixels = (obs: ArrayLike<number>, c: number): number => {
    let n = 0;
    for (let y = 10; y < 34; y++) {
      const row = Array.from({ length: 42 }, (_, x) => obs[(y * 42 + x) * 4 + c]);
      const med = [...row].sort((a, b) => a - b)[21];
      n += row.filter((v) => Math.abs(v - med) > 0.15).length;
    }
    return n;
  };
  const early = agentView(env, { steps: 60 });
  assert.ok(
    [0, 1, 2, 3].every((c) => figurePixels(early.obs, c) <= 30),
    'after 60 steps the corridor is empty',
  );
  const view = agentView(env);
  assert.equal(view.step, 120);
  assert.deepEqual([view.picture.width, view.picture.height], [160 + 4 + 5 * (4 * 42 + 3), 210]);
  for (let c = 0; c < 4; c++)
    assert.ok(figurePixels(view.obs, c) >= 45, `frame ${c} of the stack shows fighters (${figurePixels(view.obs, c)} figure pixels)`);
  let calls = 0;
  const until = agentView(env, {
    steps: 10,
    until: (_f, step) => {
      calls++;
      return step >= 15;
    },
  });
  assert.equal(until.step, 15);
  assert.equal(calls, 6);
  assert.equal(agentView(env, { steps: 0, scale: 2 }).picture.width, 2 * view.picture.width);
  env.close();
});

test('tensorboardSummary: the scalars a run wrote, read back, and the command to open them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dojo-tb-'));
  try {
    const w = new TensorBoardWriter(join(dir, 'run1'));
    w.scalars(100, { 'episode/return': 10, 'loss/policy': 0.5 });
    w.scalars(200, { 'episode/return': 30, 'loss/policy': 0.25 });
    w.scalars(300, { 'episode/return': 20 });
    w.close();
    // An older training into the same folder: not summarised (the newest file is).
    const old = join(dir, 'run1', 'events.out.tfevents.1000.host.1');
    writeFileSync(old, readFileSync(w.path));
    utimesSync(old, new Date(1e12), new Date(1e12));
    const s = tensorboardSummary(dir);
    assert.equal(s.files.length, 1);
    assert.match(s.files[0], /^run1[\\/]events\.out\.tfevents\./);
    assert.deepEqual(
      s.scalars.map((r) => r.tag),
      ['episode/return', 'loss/policy'],
    );
    assert.deepEqual(s.scalars[0], {
      tag: 'episode/return',
      points: 3,
      firstStep: 100,
      lastStep: 300,
      first: 10,
      last: 20,
      min: 10,
      max: 30,
    });
    assert.equal(s.command, `tensorboard --logdir ${dir}`);
    const text = tensorboardText(s);
    assert.match(text, /tensorboard --logdir/);
    assert.match(text, /loss\/policy\s+2\s+100–200\s+0\.5 → 0\.25/);
    assert.match(tensorboardHtml(s), /<td>episode\/return<\/td><td>3<\/td>/);
    assert.throws(() => tensorboardSummary(join(dir, 'run1', 'nothing')), /does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('toGif: a Kung-Fu Master episode at 2x decodes back to every frame (unchanged pixels sent as transparent)', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const env = make('KungFuMasterDeterministic-v0') as Env<Uint8Array, number>;
  const { frames } = recordEpisode(env, (_o, step) => step % 14, { seed: 1, every: 2, maxSteps: 160 });
  env.close();
  const gif = toGif(frames, { fps: 15 });
  const g = decodeGif(gif);
  assert.deepEqual([g.width, g.height, g.frames.length], [320, 420, frames.length]);
  for (const [k, f] of g.frames.entries()) {
    for (let p = 0; p < 160 * 210; p += 13) {
      const x = p % 160,
        y = Math.floor(p / 160);
      assert.deepEqual(
        f.palette[f.pixels[(2 * y + 1) * 320 + 2 * x + 1]],
        Array.from(frames[k].data.subarray(p * 3, p * 3 + 3)),
        `frame ${k} (${x}, ${y})`,
      );
    }
  }
  // 81 frames of 320x420: about 73 KB; without the transparent-unchanged trick about 400 KB.
  assert.ok(gif.length < 150_000, `${gif.length} bytes`);
});
