/**
 * ALE's standard NTSC palette (`NTSCPalette` in ALE's Palettes.hpp): the colour of every even TIA
 * colour value, and ALE's grey level for it, round(0.2989 R + 0.5870 G + 0.1140 B).
 * Screens hold palette indices (TIA colour values, always even).
 */

/** 0xRRGGBB for TIA colour values 0, 2, 4, ..., 254 (entry k is colour 2k). */
const NTSC_RGB: readonly number[] = [
  0x000000, 0x4a4a4a, 0x6f6f6f, 0x8e8e8e, 0xaaaaaa, 0xc0c0c0, 0xd6d6d6, 0xececec, 0x484800, 0x69690f, 0x86861d, 0xa2a22a, 0xbbbb35,
  0xd2d240, 0xe8e84a, 0xfcfc54, 0x7c2c00, 0x904811, 0xa26221, 0xb47a30, 0xc3903d, 0xd2a44a, 0xdfb755, 0xecc860, 0x901c00, 0xa33915,
  0xb55328, 0xc66c3a, 0xd5824a, 0xe39759, 0xf0aa67, 0xfcbc74, 0x940000, 0xa71a1a, 0xb83232, 0xc84848, 0xd65c5c, 0xe46f6f, 0xf08080,
  0xfc9090, 0x840064, 0x97197a, 0xa8308f, 0xb846a2, 0xc659b3, 0xd46cc3, 0xe07cd2, 0xec8ce0, 0x500084, 0x68199a, 0x7d30ad, 0x9246c0,
  0xa459d0, 0xb56ce0, 0xc57cee, 0xd48cfc, 0x140090, 0x331aa3, 0x4e32b5, 0x6848c6, 0x7f5cd5, 0x956fe3, 0xa980f0, 0xbc90fc, 0x000094,
  0x181aa7, 0x2d32b8, 0x4248c8, 0x545cd6, 0x656fe4, 0x7580f0, 0x8490fc, 0x001c88, 0x183b9d, 0x2d57b0, 0x4272c2, 0x548ad2, 0x65a0e1,
  0x75b5ef, 0x84c8fc, 0x003064, 0x185080, 0x2d6d98, 0x4288b0, 0x54a0c5, 0x65b7d9, 0x75cceb, 0x84e0fc, 0x004030, 0x18624e, 0x2d8169,
  0x429e82, 0x54b899, 0x65d1ae, 0x75e7c2, 0x84fcd4, 0x004400, 0x1a661a, 0x328432, 0x48a048, 0x5cba5c, 0x6fd26f, 0x80e880, 0x90fc90,
  0x143c00, 0x355f18, 0x527e2d, 0x6e9c42, 0x87b754, 0x9ed065, 0xb4e775, 0xc8fc84, 0x303800, 0x505916, 0x6d762b, 0x88923e, 0xa0ab4f,
  0xb7c25f, 0xccd86e, 0xe0ec7c, 0x482c00, 0x694d14, 0x866a26, 0xa28638, 0xbb9f47, 0xd2b656, 0xe8cc63, 0xfce070,
];

/** 256-entry lookup tables indexed by the TIA colour value (odd values map like the even below them). */
export const PALETTE_R = new Uint8Array(256);
export const PALETTE_G = new Uint8Array(256);
export const PALETTE_B = new Uint8Array(256);
export const PALETTE_GRAY = new Uint8Array(256);
/** Packed 0xRRGGBB per colour value. */
export const PALETTE_RGB = new Uint32Array(256);

for (let i = 0; i < 256; i++) {
  const rgb = NTSC_RGB[i >> 1];
  const r = (rgb >> 16) & 0xff;
  const g = (rgb >> 8) & 0xff;
  const b = rgb & 0xff;
  PALETTE_RGB[i] = rgb;
  PALETTE_R[i] = r;
  PALETTE_G[i] = g;
  PALETTE_B[i] = b;
  PALETTE_GRAY[i] = Math.round(0.2989 * r + 0.587 * g + 0.114 * b);
}

/** Palette-index screen -> interleaved RGB (3 bytes per pixel), as ALE's getScreenRGB. */
export function screenToRgb(screen: Uint8Array, out: Uint8Array = new Uint8Array(screen.length * 3)): Uint8Array {
  if (out.length < screen.length * 3) throw new Error(`screenToRgb: output needs ${screen.length * 3} bytes, got ${out.length}`);
  for (let i = 0, j = 0; i < screen.length; i++, j += 3) {
    const c = screen[i];
    out[j] = PALETTE_R[c];
    out[j + 1] = PALETTE_G[c];
    out[j + 2] = PALETTE_B[c];
  }
  return out;
}

/** Palette-index screen -> grey levels (1 byte per pixel), as ALE's getScreenGrayscale. */
export function screenToGrayscale(screen: Uint8Array, out: Uint8Array = new Uint8Array(screen.length)): Uint8Array {
  const n = screen.length;
  if (out.length < n) throw new Error(`screenToGrayscale: output needs ${n} bytes, got ${out.length}`);
  const gray = PALETTE_GRAY;
  let i = 0;
  if (((screen.byteOffset | out.byteOffset) & 3) === 0 && n >= 4) {
    // Four pixels per 32-bit word (the byte order does not matter: each byte maps to itself).
    const words = n >> 2;
    // Int32 (not Uint32) words: they stay small integers for the JIT, never doubles.
    const src = new Int32Array(screen.buffer, screen.byteOffset, words);
    const dst = new Int32Array(out.buffer, out.byteOffset, words);
    // Screens are mostly runs of one colour: a word equal to the one before converts to the same grey.
    let previous = 0;
    let grey = 0; // the grey of colour 0 is 0
    for (let w = 0; w < words; w++) {
      const v = src[w];
      if (v !== previous) {
        previous = v;
        grey = gray[v & 0xff] | (gray[(v >> 8) & 0xff] << 8) | (gray[(v >> 16) & 0xff] << 16) | (gray[(v >>> 24) & 0xff] << 24);
      }
      dst[w] = grey;
    }
    i = words << 2;
  }
  for (; i < n; i++) out[i] = gray[screen[i]];
  return out;
}
