import {
  isFastEnv,
  isPalettedEnv,
  StepOutcome,
  type PalettedEnv,
  type Env,
  type ObsBuffer,
  type ResetArgs,
  type ResetResult,
  type StepResult,
} from '../core';
import { Box, type Space } from '../spaces';
import { ResizePlan, rgbToGray, type CropRect, type VerticalRounding } from '../image';
import { Wrapper } from './wrapper';

/** Practical_RL's Kung-Fu crop, Python's `img[60:-30, 5:]` on a 210x160 screen. */
export const PRACTICAL_RL_CROP: CropRect = Object.freeze({ top: 60, bottom: 180, left: 5, right: 160 });

export interface PreprocessAtariOptions {
  /** Output height and width (42x42 as in the source notebooks). */
  height?: number;
  width?: number;
  /** `'none'` (default), `'practical_rl'` (rows 60..179, cols 5..159), or any rectangle of the screen. */
  crop?: 'none' | 'practical_rl' | CropRect;
  /**
   * `'luma'` (default): correct RGB luma weights (0.299 R + 0.587 G + 0.114 B);
   * `'notebook-bgr'`: the source notebooks' `cv2.COLOR_BGR2GRAY` on an RGB frame (red and blue weights
   * swapped), to reproduce their numbers exactly; `'none'`: keep colour (3 channels per frame).
   */
  grayscale?: 'luma' | 'notebook-bgr' | 'none';
  /** How many of the latest frames the observation stacks (4). */
  nFrames?: number;
  /** `'channels-first'` ([C, H, W], PyTorch order, default) or `'channels-last'` ([H, W, C], TensorFlow order). */
  channelOrder?: 'channels-first' | 'channels-last';
  /** Resize rounding, see `ResizePlan` (default reproduces `cv2.resize`). */
  rounding?: VerticalRounding;
}

const KNOWN = ['height', 'width', 'crop', 'grayscale', 'nFrames', 'channelOrder', 'rounding'];

/**
 * The source notebooks' PreprocessAtari: crop, resize (OpenCV-exact INTER_LINEAR), greyscale, scale to
 * [0, 1] float32, and stack the last `nFrames` frames, oldest first (the newest frame is the last channel
 * block). On reset the stack is zeros except the newest frame. The wrapped env must produce 210x160x3
 * (or any HxWx3) uint8 RGB observations.
 */
export class PreprocessAtari extends Wrapper<Float32Array, number> {
  private readonly space: Box<'float32'>;
  readonly height: number;
  readonly width: number;
  readonly nFrames: number;
  readonly channelsPerFrame: number;
  readonly channelOrder: 'channels-first' | 'channels-last';
  readonly grayscale: 'luma' | 'notebook-bgr' | 'none';
  private readonly plan: ResizePlan;
  private readonly raw: Uint8Array;
  private readonly resized: Uint8Array;
  private readonly gray: Uint8Array;
  /** The last nFrames processed frames, [0,1] float32, each height*width*channelsPerFrame, HWC order. */
  private readonly ring: Float32Array[];
  private head = 0; // index in `ring` of the oldest frame
  private readonly outcome = new StepOutcome();
  /** Set when the wrapped env offers palette-index screens and the output is grey: the fused path. */
  private readonly paletted: PalettedEnv<number> | null;
  /** Milliseconds spent in preprocessing since construction (for profiling). */
  preprocessMs = 0;
  private readonly timing: boolean;

  constructor(inner: Env<Uint8Array, number>, options: PreprocessAtariOptions = {}, opts: { timing?: boolean } = {}) {
    super(inner as unknown as Env<Float32Array, number>);
    for (const k of Object.keys(options)) {
      if (!KNOWN.includes(k)) throw new Error(`PreprocessAtari: unknown option '${k}'. Known options: ${KNOWN.join(', ')}`);
    }
    const space = inner.observationSpace as Space<Uint8Array> & { shape: readonly number[]; dtype?: string };
    const [h, w, c] = space.shape;
    if (space.shape.length !== 3 || c !== 3) {
      throw new Error(
        `PreprocessAtari needs an environment with RGB observations [height, width, 3]; this one has shape [${space.shape.join(', ')}]`,
      );
    }
    this.height = options.height ?? 42;
    this.width = options.width ?? 42;
    this.nFrames = options.nFrames ?? 4;
    if (!Number.isInteger(this.nFrames) || this.nFrames < 1)
      throw new Error(`PreprocessAtari: nFrames must be a positive integer, got ${this.nFrames}`);
    this.grayscale = options.grayscale ?? 'luma';
    if (!['luma', 'notebook-bgr', 'none'].includes(this.grayscale))
      throw new Error(`PreprocessAtari: grayscale must be 'luma', 'notebook-bgr' or 'none', got '${this.grayscale}'`);
    this.channelOrder = options.channelOrder ?? 'channels-first';
    if (this.channelOrder !== 'channels-first' && this.channelOrder !== 'channels-last') {
      throw new Error(`PreprocessAtari: channelOrder must be 'channels-first' or 'channels-last', got '${String(this.channelOrder)}'`);
    }
    const cropOpt = options.crop ?? 'none';
    const crop =
      cropOpt === 'none'
        ? { top: 0, bottom: h, left: 0, right: w }
        : cropOpt === 'practical_rl'
          ? PRACTICAL_RL_CROP
          : typeof cropOpt === 'object'
            ? cropOpt
            : (() => {
                throw new Error(
                  `PreprocessAtari: crop must be 'none', 'practical_rl' or { top, bottom, left, right }, got '${String(cropOpt)}'`,
                );
              })();
    this.plan = new ResizePlan(w, h, 3, this.width, this.height, crop, options.rounding ?? 'opencv-simd');
    this.channelsPerFrame = this.grayscale === 'none' ? 3 : 1;
    const frameSize = this.height * this.width * this.channelsPerFrame;
    this.raw = new Uint8Array(h * w * 3);
    this.resized = new Uint8Array(this.height * this.width * 3);
    this.gray = new Uint8Array(this.height * this.width);
    this.ring = Array.from({ length: this.nFrames }, () => new Float32Array(frameSize));
    const C = this.nFrames * this.channelsPerFrame;
    const shape = this.channelOrder === 'channels-first' ? [C, this.height, this.width] : [this.height, this.width, C];
    this.space = new Box(0, 1, shape, 'float32');
    this.timing = opts.timing ?? false;
    this.paletted = isPalettedEnv(inner) && this.grayscale !== 'none' ? inner : null;
  }

  override get observationSpace(): Box<'float32'> {
    return this.space;
  }

  /** Size of one observation (nFrames * channels * height * width). */
  get obsSize(): number {
    return this.observationSpace.size;
  }

  /**
   * Processes one RGB screen into `out` (height*width*channelsPerFrame floats in [0,1], HWC order):
   * crop, resize, greyscale, divide by 255 in float32.
   */
  processFrame(rgb: Uint8Array, out: Float32Array): void {
    this.plan.resize(rgb, this.resized);
    const n = this.height * this.width;
    if (this.grayscale === 'none') {
      for (let i = 0; i < n * 3; i++) out[i] = this.resized[i] / 255;
    } else {
      rgbToGray(this.resized, n, this.gray, this.grayscale === 'luma' ? 'rgb' : 'bgr');
      for (let i = 0; i < n; i++) out[i] = this.gray[i] / 255;
    }
  }

  /**
   * Processes the wrapped env's current screen into the ring: from its palette indices (same result,
   * without building the RGB picture) when it offers them, else from the RGB screen in `raw`.
   */
  private push(): void {
    const t0 = this.timing ? performance.now() : 0;
    const slot = this.ring[this.head];
    if (this.paletted) {
      this.plan.resizeGrayFromPalette(
        this.paletted.screenIndices(),
        this.paletted.palette,
        this.grayscale === 'luma' ? 'rgb' : 'bgr',
        slot,
      );
    } else {
      this.processFrame(this.raw, slot);
    }
    this.head = (this.head + 1) % this.nFrames;
    if (this.timing) this.preprocessMs += performance.now() - t0;
  }

  /** Writes the stacked observation (oldest frame first) into `out` at `offset`. */
  private compose(out: ObsBuffer, offset: number): void {
    const t0 = this.timing ? performance.now() : 0;
    const F = this.nFrames,
      cpf = this.channelsPerFrame,
      n = this.height * this.width;
    if (this.channelOrder === 'channels-first') {
      for (let f = 0; f < F; f++) {
        const frame = this.ring[(this.head + f) % F];
        for (let c = 0; c < cpf; c++) {
          const base = offset + (f * cpf + c) * n;
          if (cpf === 1 && out instanceof Float32Array) out.set(frame, base);
          else for (let p = 0; p < n; p++) out[base + p] = frame[p * cpf + c];
        }
      }
    } else if (cpf === 1 && out instanceof Float32Array) {
      // One grey channel per frame (the usual case): a loop the engine keeps on Float32Arrays only,
      // writing each pixel's F values side by side (four frames: one unrolled pass).
      if (F === 4) {
        const f0 = this.ring[this.head],
          f1 = this.ring[(this.head + 1) & 3];
        const f2 = this.ring[(this.head + 2) & 3],
          f3 = this.ring[(this.head + 3) & 3];
        for (let p = 0, o = offset; p < n; p++, o += 4) {
          out[o] = f0[p];
          out[o + 1] = f1[p];
          out[o + 2] = f2[p];
          out[o + 3] = f3[p];
        }
      } else {
        for (let f = 0; f < F; f++) {
          const frame = this.ring[(this.head + f) % F];
          for (let p = 0, o = offset + f; p < n; p++, o += F) out[o] = frame[p];
        }
      }
    } else {
      const C = F * cpf;
      for (let f = 0; f < F; f++) {
        const frame = this.ring[(this.head + f) % F];
        for (let p = 0; p < n; p++) {
          for (let c = 0; c < cpf; c++) out[offset + p * C + f * cpf + c] = frame[p * cpf + c];
        }
      }
    }
    if (this.timing) this.preprocessMs += performance.now() - t0;
  }

  override reset(args?: ResetArgs): ResetResult<Float32Array> {
    const obs = new Float32Array(this.obsSize);
    this.resetInto(obs, 0, args);
    return { obs, info: {} };
  }

  override step(action: number): StepResult<Float32Array> {
    const obs = new Float32Array(this.obsSize);
    const o = this.outcome;
    this.stepInto(action, obs, 0, o);
    return { obs, reward: o.reward, terminated: o.terminated, truncated: o.truncated, info: {} };
  }

  override resetInto(out: ObsBuffer, offset: number, args?: ResetArgs): void {
    for (const f of this.ring) f.fill(0);
    this.head = 0;
    if (this.paletted) this.paletted.resetScreen(args);
    else this.rawInner().resetInto(this.raw, 0, args);
    this.push();
    this.compose(out, offset);
  }

  override stepInto(action: number, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    if (this.paletted) this.paletted.stepScreen(action, outcome);
    else this.rawInner().stepInto(action, this.raw, 0, outcome);
    this.push();
    this.compose(out, offset);
  }

  private rawInner() {
    const inner = this.inner as unknown as Env<Uint8Array, number>;
    if (!isFastEnv(inner)) throw new Error('PreprocessAtari: the wrapped environment has no stepInto/resetInto path');
    return inner;
  }
}
