/**
 * The project's one PNG encoder (8-bit RGB or greyscale, no interlace, no filtering, zlib from
 * node:zlib): screens saved by the emulator's tools, frames shown in the notebooks (lib/viz re-exports it).
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c >>> 0;
}

/** The CRC-32 of PNG chunks (and zip, gzip) over bytes [start, end). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** An image to encode, row-major: RGB (3 bytes a pixel, the default) or greyscale (`channels: 1`). */
export interface Image {
  width: number;
  height: number;
  data: Uint8Array;
  channels?: 1 | 3;
}

/** Encodes an image (an env's `render()` frame, a screen from `screenToRgb`) as the bytes of a PNG file. */
export function encodePng(img: Image): Uint8Array {
  const channels = img.channels ?? 3;
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
    throw new Error(`encodePng: bad size ${width}x${height}`);
  if (data.length !== width * height * channels) {
    throw new Error(`encodePng: ${width}x${height}x${channels} needs ${width * height * channels} bytes, got ${data.length}`);
  }
  const row = 1 + width * channels;
  const raw = new Uint8Array(height * row);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0; // filter type None
    raw.set(data.subarray(y * width * channels, (y + 1) * width * channels), y * row + 1);
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 3 ? 2 : 0; // colour type: RGB or greyscale
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  const parts = [signature, chunk('IHDR', ihdr), chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
