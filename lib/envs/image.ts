/**
 * Image operations for Atari preprocessing, reproducing OpenCV 4.x on uint8 images bit for bit:
 *
 * - `cv2.resize(img, (w, h))` with the default INTER_LINEAR: fixed-point bilinear weights with
 *   INTER_RESIZE_COEF_BITS = 11 (weights sum to 2048), pixel centres mapped by
 *   `fx = (float)((dx + 0.5) * scale - 0.5)`, weights rounded half-to-even from float32, borders clamped
 *   (a left/top position below 0 takes the first pixel; the last column uses its own pixel only).
 *   The horizontal pass is exact integer arithmetic; the vertical pass rounds `(b0*S0 + b1*S1 + 2^21) >> 22`,
 *   except where OpenCV's 128-bit SIMD kernel handles the row, which computes
 *   `((b0*(S0>>4))>>16) + ((b1*(S1>>4))>>16) + 2) >> 2` — the source of its occasional off-by-one.
 * - `cv2.cvtColor(img, COLOR_RGB2GRAY / COLOR_BGR2GRAY)`: `(R*4899 + G*9617 + B*1868 + 8192) >> 14`
 *   (weights 0.299, 0.587, 0.114 in 14-bit fixed point); BGR2GRAY applied to an RGB image swaps the red
 *   and blue weights.
 *
 * Tables are computed once per geometry (`ResizePlan`) and reused for every frame.
 */

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

/** A rectangle of the source image: rows [top, bottom), columns [left, right). */
export interface CropRect {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * How the vertical pass rounds: `'opencv-simd'` as OpenCV's vectorised kernel (what `cv2.resize` returns on
 * x86 and ARM builds; every element of the reference rows goes through it), `'exact'` as its scalar
 * fallback (correct rounding of the 22-bit fixed-point sum).
 */
export type VerticalRounding = 'opencv-simd' | 'exact';

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Per-axis source indices and fixed-point weights for INTER_LINEAR resizing. */
function axisTable(srcLen: number, dstLen: number, clampWeightAtStart: boolean): { ofs: Int32Array; w0: Int32Array; w1: Int32Array } {
  const scale = 1 / (dstLen / srcLen);
  const ofs = new Int32Array(dstLen),
    w0 = new Int32Array(dstLen),
    w1 = new Int32Array(dstLen);
  for (let d = 0; d < dstLen; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    if (s < 0 && clampWeightAtStart) {
      f = 0;
      s = 0;
    }
    if (s >= srcLen - 1 && clampWeightAtStart) {
      f = 0;
      s = srcLen - 1;
    }
    ofs[d] = s;
    w0[d] = roundHalfEven(Math.fround(1 - f) * COEF_SCALE);
    w1[d] = roundHalfEven(f * COEF_SCALE);
  }
  return { ofs, w0, w1 };
}

/**
 * A precomputed INTER_LINEAR resize from a (cropped) region of a source image to dstW x dstH, with
 * `channels` interleaved channels. `resize()` writes into a caller-provided buffer and allocates nothing.
 */
export class ResizePlan {
  readonly srcW: number;
  readonly srcH: number;
  private readonly xOfs: Int32Array; // source element offsets within a row, per destination element
  private readonly xNext: Int32Array; // offset of the right-hand neighbour (same as xOfs at the border)
  private readonly a0: Int32Array;
  private readonly a1: Int32Array;
  private readonly y0: Int32Array; // source row indices (crop-relative, clamped)
  private readonly y1: Int32Array;
  private readonly b0: Int32Array;
  private readonly b1: Int32Array;
  private readonly row0: Int32Array; // horizontal-pass buffers
  private readonly row1: Int32Array;
  private readonly simd: boolean;
  // Per destination pixel (not element): source columns and weights, for resizeGrayFromPalette.
  private readonly px0: Int32Array;
  private readonly px1: Int32Array;
  private readonly pw0: Int32Array;
  private readonly pw1: Int32Array;
  // Destination pixels whose four taps read one colour come out as that colour's grey exactly when the
  // column's weights sum to COEF_SCALE and the row's vertical pass returns every constant unchanged.
  private readonly colKeepsFlat: Uint8Array;
  private readonly rowKeepsFlat: Uint8Array;
  // Grey (divided by 255) of each palette index, for `lutPalette` and `lutWeights`.
  private readonly lut = new Float32Array(256);
  private lutPalette: Uint32Array | null = null;
  private lutWeights: 'rgb' | 'bgr' = 'rgb';

  constructor(
    readonly imageW: number,
    readonly imageH: number,
    readonly channels: number,
    readonly dstW: number,
    readonly dstH: number,
    readonly crop: CropRect = { top: 0, bottom: imageH, left: 0, right: imageW },
    rounding: VerticalRounding = 'opencv-simd',
  ) {
    const c = crop;
    if (
      !(
        Number.isInteger(c.top) &&
        Number.isInteger(c.bottom) &&
        Number.isInteger(c.left) &&
        Number.isInteger(c.right) &&
        c.top >= 0 &&
        c.left >= 0 &&
        c.bottom <= imageH &&
        c.right <= imageW &&
        c.top < c.bottom &&
        c.left < c.right
      )
    ) {
      throw new Error(
        `ResizePlan: crop rows [${c.top}, ${c.bottom}) cols [${c.left}, ${c.right}) does not fit a ${imageH}x${imageW} image`,
      );
    }
    if (!(Number.isInteger(dstW) && Number.isInteger(dstH) && dstW > 0 && dstH > 0))
      throw new Error(`ResizePlan: output size must be positive integers, got ${dstH}x${dstW}`);
    this.srcW = c.right - c.left;
    this.srcH = c.bottom - c.top;
    const cn = channels;
    const xt = axisTable(this.srcW, dstW, true);
    this.xOfs = new Int32Array(dstW * cn);
    this.xNext = new Int32Array(dstW * cn);
    this.a0 = new Int32Array(dstW * cn);
    this.a1 = new Int32Array(dstW * cn);
    for (let dx = 0; dx < dstW; dx++) {
      const sx = xt.ofs[dx];
      const nx = Math.min(sx + 1, this.srcW - 1);
      for (let k = 0; k < cn; k++) {
        const i = dx * cn + k;
        this.xOfs[i] = (c.left + sx) * cn + k;
        this.xNext[i] = (c.left + nx) * cn + k;
        this.a0[i] = xt.w0[dx];
        this.a1[i] = sx + 1 >= this.srcW ? 0 : xt.w1[dx];
        if (sx + 1 >= this.srcW) this.a0[i] = COEF_SCALE;
      }
    }
    const yt = axisTable(this.srcH, dstH, false);
    this.y0 = new Int32Array(dstH);
    this.y1 = new Int32Array(dstH);
    this.b0 = yt.w0;
    this.b1 = yt.w1;
    for (let dy = 0; dy < dstH; dy++) {
      const sy = yt.ofs[dy];
      this.y0[dy] = c.top + Math.min(Math.max(sy, 0), this.srcH - 1);
      this.y1[dy] = c.top + Math.min(Math.max(sy + 1, 0), this.srcH - 1);
    }
    this.row0 = new Int32Array(dstW * cn);
    this.row1 = new Int32Array(dstW * cn);
    if (rounding !== 'opencv-simd' && rounding !== 'exact')
      throw new Error(`ResizePlan: rounding must be 'opencv-simd' or 'exact', got '${String(rounding)}'`);
    this.simd = rounding === 'opencv-simd';
    this.px0 = new Int32Array(dstW);
    this.px1 = new Int32Array(dstW);
    this.pw0 = new Int32Array(dstW);
    this.pw1 = new Int32Array(dstW);
    for (let dx = 0; dx < dstW; dx++) {
      this.px0[dx] = this.xOfs[dx * cn] / cn;
      this.px1[dx] = this.xNext[dx * cn] / cn;
      this.pw0[dx] = this.a0[dx * cn];
      this.pw1[dx] = this.a1[dx * cn];
    }
    this.colKeepsFlat = new Uint8Array(dstW);
    for (let dx = 0; dx < dstW; dx++) this.colKeepsFlat[dx] = this.pw0[dx] + this.pw1[dx] === COEF_SCALE ? 1 : 0;
    this.rowKeepsFlat = new Uint8Array(dstH);
    for (let dy = 0; dy < dstH; dy++) {
      let keeps = 1;
      for (let v = 0; v < 256 && keeps; v++) {
        if (vertical(this.simd, this.b0[dy], this.b1[dy], v * COEF_SCALE, v * COEF_SCALE) !== v) keeps = 0;
      }
      this.rowKeepsFlat[dy] = keeps;
    }
  }

  /** Number of output bytes: dstH * dstW * channels. */
  get outputSize(): number {
    return this.dstH * this.dstW * this.channels;
  }

  /** Resizes `src` (imageH x imageW x channels, row-major) into `dst` at `offset`. */
  resize(src: Uint8Array, dst: Uint8Array, offset = 0): void {
    const width = this.dstW * this.channels;
    const rowStride = this.imageW * this.channels;
    const { xOfs, xNext, a0, a1, row0, row1 } = this;
    for (let dy = 0; dy < this.dstH; dy++) {
      const r0 = this.y0[dy] * rowStride,
        r1 = this.y1[dy] * rowStride;
      for (let i = 0; i < width; i++) {
        row0[i] = src[r0 + xOfs[i]] * a0[i] + src[r0 + xNext[i]] * a1[i];
        row1[i] = src[r1 + xOfs[i]] * a0[i] + src[r1 + xNext[i]] * a1[i];
      }
      const b0 = this.b0[dy],
        b1 = this.b1[dy];
      const out = offset + dy * width;
      for (let i = 0; i < width; i++) dst[out + i] = vertical(this.simd, b0, b1, row0[i], row1[i]);
    }
  }

  /**
   * Exactly `resize` of the RGB image `palette[screen[i]]` followed by `rgbToGray` and a division by
   * 255, without building the RGB image: `screen` holds one palette index per pixel (imageH x imageW),
   * `palette` 0xRRGGBB per index. Only the source pixels the bilinear taps touch are read, which makes
   * it several times faster than converting the whole screen first. Needs a 3-channel plan.
   */
  resizeGrayFromPalette(screen: Uint8Array, palette: Uint32Array, weights: 'rgb' | 'bgr', dst: Float32Array, offset = 0): void {
    if (this.channels !== 3) throw new Error(`resizeGrayFromPalette needs a 3-channel plan, this one has ${this.channels}`);
    if (screen.length < this.imageW * this.imageH)
      throw new Error(`resizeGrayFromPalette: the screen needs ${this.imageW * this.imageH} pixels, got ${screen.length}`);
    const [wr, wb] = redBlueWeights(weights);
    const { px0, px1, pw0, pw1, simd, colKeepsFlat } = this;
    const lut = this.greyLut(palette, weights);
    const W = this.imageW,
      dstW = this.dstW;
    for (let dy = 0; dy < this.dstH; dy++) {
      const r0 = this.y0[dy] * W,
        r1 = this.y1[dy] * W;
      const b0 = this.b0[dy],
        b1 = this.b1[dy];
      const out = offset + dy * dstW;
      const rowKeeps = this.rowKeepsFlat[dy];
      for (let dx = 0; dx < dstW; dx++) {
        const x0 = px0[dx],
          x1 = px1[dx],
          w0 = pw0[dx],
          w1 = pw1[dx];
        const s00 = screen[r0 + x0],
          s01 = screen[r0 + x1],
          s10 = screen[r1 + x0],
          s11 = screen[r1 + x1];
        // Flat areas (most of an Atari screen): one colour under all four taps.
        if (s00 === s01 && s00 === s10 && s00 === s11 && rowKeeps & colKeepsFlat[dx]) {
          dst[out + dx] = lut[s00];
          continue;
        }
        const c00 = palette[s00],
          c01 = palette[s01];
        const c10 = palette[s10],
          c11 = palette[s11];
        // Each channel: horizontal pass on both rows (exact integers), then the vertical pass rounded as `resize` does.
        const r = vertical(
          simd,
          b0,
          b1,
          ((c00 >> 16) & 255) * w0 + ((c01 >> 16) & 255) * w1,
          ((c10 >> 16) & 255) * w0 + ((c11 >> 16) & 255) * w1,
        );
        const g = vertical(
          simd,
          b0,
          b1,
          ((c00 >> 8) & 255) * w0 + ((c01 >> 8) & 255) * w1,
          ((c10 >> 8) & 255) * w0 + ((c11 >> 8) & 255) * w1,
        );
        const b = vertical(simd, b0, b1, (c00 & 255) * w0 + (c01 & 255) * w1, (c10 & 255) * w0 + (c11 & 255) * w1);
        dst[out + dx] = greyLevel(r, g, b, wr, wb) / 255;
      }
    }
  }

  /** The grey (divided by 255) of every palette index, rebuilt when given another palette array or weighting. */
  private greyLut(palette: Uint32Array, weights: 'rgb' | 'bgr'): Float32Array {
    if (palette !== this.lutPalette || weights !== this.lutWeights) {
      const [wr, wb] = redBlueWeights(weights);
      for (let i = 0; i < 256; i++) {
        const c = i < palette.length ? palette[i] : 0;
        this.lut[i] = greyLevel((c >> 16) & 255, (c >> 8) & 255, c & 255, wr, wb) / 255;
      }
      this.lutPalette = palette;
      this.lutWeights = weights;
    }
    return this.lut;
  }
}

/**
 * The vertical pass of one element from the horizontal sums h0, h1 of its two rows, clamped to 0..255:
 * with `simd`, OpenCV's vectorised arithmetic ((a*b)>>16 of int16 lanes, then a rounding shift by 2),
 * else its scalar fallback (correct rounding of the 22-bit fixed-point sum).
 */
function vertical(simd: boolean, b0: number, b1: number, h0: number, h1: number): number {
  const v = simd ? (((b0 * (h0 >> 4)) >> 16) + ((b1 * (h1 >> 4)) >> 16) + 2) >> 2 : (b0 * h0 + b1 * h1 + (1 << 21)) >> 22;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Luma weights in OpenCV's 14-bit fixed point. */
export const GRAY_R = 4899;
export const GRAY_G = 9617;
export const GRAY_B = 1868;
const RGB_WEIGHTS = [GRAY_R, GRAY_B] as const;
const BGR_WEIGHTS = [GRAY_B, GRAY_R] as const;

/** The red and blue weights of a greyscale conversion ('bgr': swapped, as COLOR_BGR2GRAY on RGB data). */
function redBlueWeights(weights: 'rgb' | 'bgr'): readonly [number, number] {
  return weights === 'rgb' ? RGB_WEIGHTS : BGR_WEIGHTS;
}

/** OpenCV's greyscale of one pixel, with red and blue weights `wr`, `wb`. */
function greyLevel(r: number, g: number, b: number, wr: number, wb: number): number {
  return (r * wr + g * GRAY_G + b * wb + 8192) >> 14;
}

/**
 * Greyscale of an interleaved RGB image (`pixels` pixels) into `dst`. `weights: 'rgb'` is the correct
 * `COLOR_RGB2GRAY`; `'bgr'` is `COLOR_BGR2GRAY` applied to RGB data (red and blue weights swapped), which
 * is what the source notebooks compute.
 */
export function rgbToGray(
  src: Uint8Array,
  pixels: number,
  dst: Uint8Array,
  weights: 'rgb' | 'bgr' = 'rgb',
  srcOffset = 0,
  dstOffset = 0,
): void {
  const [wr, wb] = redBlueWeights(weights);
  for (let p = 0, i = srcOffset; p < pixels; p++, i += 3) {
    dst[dstOffset + p] = greyLevel(src[i], src[i + 1], src[i + 2], wr, wb);
  }
}
