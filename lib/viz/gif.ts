/** Animated GIFs of episodes, encoded with the `gifenc` package. */
import type { RgbFrame } from '../envs/core';
import { upscale } from './frames';

interface GifEncoderApi {
  writeFrame(
    index: Uint8Array,
    width: number,
    height: number,
    opts: {
      palette?: number[][];
      delay?: number;
      repeat?: number;
      first?: boolean;
      transparent?: boolean;
      transparentIndex?: number;
      dispose?: number;
    },
  ): void;
  finish(): void;
  bytes(): Uint8Array;
}
interface GifencModule {
  GIFEncoder(): GifEncoderApi;
  quantize(rgba: Uint8Array, maxColors: number, opts?: { format?: string }): number[][];
  applyPalette(rgba: Uint8Array, palette: number[][], format?: string): Uint8Array;
}

export interface GifOptions {
  /** Frames per second (default 30). GIF delays are in hundredths of a second, so 30 fps plays at ~33 fps. */
  fps?: number;
  /**
   * Integer nearest-neighbour upscale factor. Default: the smallest that makes the GIF at least
   * `minWidth` pixels wide, so an Atari screen (160x210) plays at 2x (320x420) and CartPole's 600x400
   * canvas as it is.
   */
  scale?: number;
  /** The width the default `scale` reaches (default 320). */
  minWidth?: number;
  /** Loop forever (default) or play once. */
  loop?: boolean;
}

function toRgba(frame: RgbFrame): Uint8Array {
  const n = frame.width * frame.height;
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) {
    out[p * 4] = frame.data[p * 3];
    out[p * 4 + 1] = frame.data[p * 3 + 1];
    out[p * 4 + 2] = frame.data[p * 3 + 2];
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** The frames' colours as an exact palette, when there are at most 256 of them. */
function exactPalette(frames: RgbFrame[]): { palette: number[][]; lookup: Map<number, number> } | null {
  const lookup = new Map<number, number>();
  const palette: number[][] = [];
  for (const f of frames) {
    const d = f.data;
    let lastKey = -1;
    for (let p = 0; p < d.length; p += 3) {
      const key = (d[p] << 16) | (d[p + 1] << 8) | d[p + 2];
      if (key === lastKey) continue;
      lastKey = key;
      if (!lookup.has(key)) {
        if (palette.length === 256) return null;
        lookup.set(key, palette.length);
        palette.push([d[p], d[p + 1], d[p + 2]]);
      }
    }
  }
  while (palette.length < 2) palette.push([0, 0, 0]);
  return { palette, lookup };
}

/** Nearest-neighbour upscale of a plane of palette indices. */
function upscaleIndex(index: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  if (factor === 1) return index;
  const W = width * factor;
  const out = new Uint8Array(W * height * factor);
  for (let y = 0; y < height; y++) {
    const row = out.subarray(y * factor * W, (y * factor + 1) * W);
    for (let x = 0; x < width; x++) row.fill(index[y * width + x], x * factor, (x + 1) * factor);
    for (let k = 1; k < factor; k++) out.copyWithin((y * factor + k) * W, y * factor * W, (y * factor + 1) * W);
  }
  return out;
}

/** The upscale factor `toGif` uses by default for frames `width` pixels wide: at least `minWidth` wide. */
export function defaultGifScale(width: number, minWidth = 320): number {
  return Math.max(1, Math.ceil(minWidth / Math.max(1, width)));
}

/**
 * Encodes RGB frames as an animated GIF. Frames with at most 256 colours in all (Atari screens, CartPole)
 * are encoded exactly; otherwise one palette is quantised from a sample of the frames.
 */
export function toGif(frames: RgbFrame[], options: GifOptions = {}): Uint8Array {
  if (!Array.isArray(frames) || frames.length === 0) throw new Error('toGif: give at least one frame');
  const fps = options.fps ?? 30;
  if (!(fps > 0 && fps <= 100)) throw new Error(`toGif: fps must be in (0, 100], got ${fps}`);
  const { width, height } = frames[0];
  const scale = options.scale ?? defaultGifScale(width, options.minWidth);
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`toGif: scale must be a positive integer, got ${scale}`);
  for (const [i, f] of frames.entries()) {
    if (f.width !== width || f.height !== height)
      throw new Error(`toGif: frame ${i} is ${f.width}x${f.height}, frame 0 is ${width}x${height}; all frames must have one size`);
    if (f.data.length !== width * height * 3)
      throw new Error(`toGif: frame ${i} has ${f.data.length} bytes, expected ${width * height * 3} (RGB)`);
  }
  const gifenc = require('gifenc') as GifencModule;
  const exact = exactPalette(frames);
  if (exact) {
    // Pixels that did not change since the previous frame are written as a spare "transparent" index
    // over the kept previous picture (disposal 1): long runs of one code, which LZW packs into little.
    // An upscaled Atari episode is then about as small as the unscaled one was.
    const transparentIndex = exact.palette.length < 256 ? exact.palette.length : -1;
    const palette = transparentIndex >= 0 ? [...exact.palette, [255, 0, 255]] : exact.palette;
    const enc = gifenc.GIFEncoder();
    const delay = Math.round(1000 / fps);
    let prev: RgbFrame | null = null;
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      const index = new Uint8Array(width * height);
      let lastKey = -1,
        lastIndex = 0;
      for (let p = 0; p < index.length; p++) {
        const d = f.data,
          q = p * 3;
        if (prev && transparentIndex >= 0 && d[q] === prev.data[q] && d[q + 1] === prev.data[q + 1] && d[q + 2] === prev.data[q + 2]) {
          index[p] = transparentIndex;
          continue;
        }
        const key = (d[q] << 16) | (d[q + 1] << 8) | d[q + 2];
        if (key !== lastKey) {
          lastKey = key;
          lastIndex = exact.lookup.get(key)!;
        }
        index[p] = lastIndex;
      }
      const big = upscaleIndex(index, width, height, scale);
      const frameOpts = { delay, dispose: 1, ...(prev && transparentIndex >= 0 ? { transparent: true, transparentIndex } : {}) };
      enc.writeFrame(
        big,
        width * scale,
        height * scale,
        i === 0 ? { palette, repeat: options.loop === false ? -1 : 0, ...frameOpts } : frameOpts,
      );
      prev = f;
    }
    enc.finish();
    return enc.bytes();
  }
  const sampleIdx = Array.from(
    new Set(Array.from({ length: Math.min(16, frames.length) }, (_, k) => Math.floor((k * frames.length) / Math.min(16, frames.length)))),
  );
  const sample = new Uint8Array(sampleIdx.length * width * height * 4);
  for (const [k, i] of sampleIdx.entries()) sample.set(toRgba(frames[i]), k * width * height * 4);
  const palette = gifenc.quantize(sample, 256, { format: 'rgb444' });
  const enc = gifenc.GIFEncoder();
  const delay = Math.round(1000 / fps);
  for (let i = 0; i < frames.length; i++) {
    const f = upscale(frames[i], scale);
    const index = gifenc.applyPalette(toRgba(f), palette, 'rgb444');
    enc.writeFrame(index, f.width, f.height, i === 0 ? { palette, delay, repeat: options.loop === false ? -1 : 0 } : { delay });
  }
  enc.finish();
  return enc.bytes();
}
