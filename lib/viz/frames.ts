/** Frame helpers: upscaling, greyscale observations to pictures, and the game-vs-observation view. */
import type { RgbFrame } from '../envs/core';

/** Nearest-neighbour upscale by an integer factor. */
export function upscale(frame: RgbFrame, factor: number): RgbFrame {
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`upscale: factor must be a positive integer, got ${factor}`);
  if (factor === 1) return frame;
  const W = frame.width * factor,
    H = frame.height * factor;
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < W; x++) {
      const s = (sy * frame.width + Math.floor(x / factor)) * 3,
        d = (y * W + x) * 3;
      data[d] = frame.data[s];
      data[d + 1] = frame.data[s + 1];
      data[d + 2] = frame.data[s + 2];
    }
  }
  return { width: W, height: H, data };
}

/** A greyscale plane of [0,1] floats (height*width at `offset`, stride 1) as an RGB picture. */
export function grayToFrame(values: ArrayLike<number>, width: number, height: number, offset = 0, stride = 1): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const v = Math.max(0, Math.min(255, Math.round(values[offset + p * stride] * 255)));
    data[p * 3] = data[p * 3 + 1] = data[p * 3 + 2] = v;
  }
  return { width, height, data };
}

/**
 * The stacked frames of a preprocessed observation side by side, oldest on the left. `shape` is the
 * observation's shape: [C, H, W] for channels-first or [H, W, C] for channels-last (greyscale stacks).
 */
export function observationStrip(
  obs: ArrayLike<number>,
  shape: readonly number[],
  channelOrder: 'channels-first' | 'channels-last' = 'channels-first',
): RgbFrame {
  if (shape.length !== 3) throw new Error(`observationStrip: expected a 3-d observation shape, got [${shape.join(', ')}]`);
  const [C, H, W] = channelOrder === 'channels-first' ? shape : [shape[2], shape[0], shape[1]];
  const gap = 1;
  const width = C * W + (C - 1) * gap;
  const out: RgbFrame = { width, height: H, data: new Uint8Array(width * H * 3).fill(128) };
  for (let c = 0; c < C; c++) {
    const f = channelOrder === 'channels-first' ? grayToFrame(obs, W, H, c * H * W, 1) : grayToFrame(obs, W, H, c, C);
    for (let y = 0; y < H; y++) out.data.set(f.data.subarray(y * W * 3, (y + 1) * W * 3), (y * width + c * (W + gap)) * 3);
  }
  return out;
}

/** Places frames left to right on a dark background, top-aligned, with `gap` pixels between them. */
export function hstack(frames: RgbFrame[], gap = 4): RgbFrame {
  const width = frames.reduce((s, f) => s + f.width, 0) + gap * (frames.length - 1);
  const height = Math.max(...frames.map((f) => f.height));
  const data = new Uint8Array(width * height * 3).fill(32);
  let x0 = 0;
  for (const f of frames) {
    for (let y = 0; y < f.height; y++) data.set(f.data.subarray(y * f.width * 3, (y + 1) * f.width * 3), (y * width + x0) * 3);
    x0 += f.width + gap;
  }
  return { width, height, data };
}

/**
 * What the learner sees next to what the agent sees, as in Practical_RL: the game frame, and the
 * agent's stacked observation upscaled (`scale`, default so that it is as tall as the game frame).
 */
export function sideBySide(
  game: RgbFrame,
  obs: ArrayLike<number>,
  shape: readonly number[],
  opts: { channelOrder?: 'channels-first' | 'channels-last'; scale?: number } = {},
): RgbFrame {
  const strip = observationStrip(obs, shape, opts.channelOrder ?? 'channels-first');
  const scale = opts.scale ?? Math.max(1, Math.floor(game.height / strip.height));
  return hstack([game, upscale(strip, scale)]);
}
