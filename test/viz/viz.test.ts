import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { make, CartPoleEnv, type RgbFrame } from '../../lib/envs';
import { crc32, encodePng, ewma, plotHtml, recordEpisode, sideBySide, toGif, trainingCurves, upscale } from '../../lib/viz';

/** Minimal GIF reader: screen size, global palette, and every frame's delay and decoded pixels. */
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
  let delay = 0;
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
      if (label === 0xf9) delay = b[at + 2] | (b[at + 3] << 8);
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
      frames.push({ delay, pixels: decode(frames.length) ? lzwDecode(blocks, minCode, w * h) : new Uint8Array(0), palette: pal });
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
