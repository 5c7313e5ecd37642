/**
 * CartPole exactly as Gymnasium's `classic_control/cartpole.py`: the same constants, the explicit Euler
 * integrator (Gymnasium's default), the same termination thresholds, reward 1 per step (and the step
 * after termination gives 0, with a warning), a float64 internal state and float32 observations.
 * The time limit (200 steps for v0, 500 for v1) is added by the registry's TimeLimit wrapper.
 *
 * Gymnasium's step takes `np.cos`/`np.sin` of the angle, and numpy's float64 sine and cosine are
 * platform-dependent in the last bit. By default this env uses numpy 1.24's AVX-512 (SVML) kernels, the
 * numerics of the reference recording in ../shared/reference/cartpole, which it then reproduces bit for
 * bit over 500-step balancing episodes; `trig: 'math'` uses Math.sin/Math.cos (V8's fdlibm, which agrees
 * with glibc and with numpy >= 1.25 on almost every input) and is faster.
 */
import { Rng } from '../util/rng';
import {
  invalidAction,
  StepOutcome,
  type Env,
  type ObsBuffer,
  type ResetArgs,
  type ResetResult,
  type RgbFrame,
  type StepResult,
  type FastEnv,
} from './core';
import { Box, Discrete } from './spaces';
import { blankFrame, fillCircle, fillConvexPolygon, fillRect } from './raster';
import { numpySvmlCos, numpySvmlSin } from './numpy-trig';

export const CARTPOLE = Object.freeze({
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  totalMass: 0.1 + 1.0,
  /** Half the pole's length, as Gymnasium's `length`. */
  length: 0.5,
  poleMassLength: 0.1 * 0.5,
  forceMag: 10.0,
  /** Seconds between state updates. */
  tau: 0.02,
  thetaThresholdRadians: (12 * 2 * Math.PI) / 360,
  xThreshold: 2.4,
});

/** Which float64 sine and cosine the dynamics use (see the module comment). */
export type CartPoleTrig = 'numpy-svml' | 'math';
const TRIG_KINDS: readonly CartPoleTrig[] = ['numpy-svml', 'math'];

export interface CartPoleOptions {
  /** Gymnasium's `sutton_barto_reward`: 0 per step and -1 on termination instead of 1 per step. */
  suttonBartoReward?: boolean;
  /** `'numpy-svml'` (default): numpy 1.24 on AVX-512, as the reference recording; `'math'`: Math.sin/cos. */
  trig?: CartPoleTrig;
}

export class CartPoleEnv implements Env<Float32Array, number>, FastEnv<number> {
  readonly id: string = 'CartPole';
  readonly actionSpace = new Discrete(2);
  readonly observationSpace: Box<'float32'>;
  // The state, float64 as in Gymnasium.
  x = 0;
  xDot = 0;
  theta = 0;
  thetaDot = 0;
  private hasState = false;
  private stepsBeyondTerminated: number | null = null;
  private rng = new Rng(Math.floor(Math.random() * 2 ** 32));
  private readonly suttonBarto: boolean;
  readonly trig: CartPoleTrig;
  private readonly cos: (x: number) => number;
  private readonly sin: (x: number) => number;
  private readonly scratch = new StepOutcome();

  constructor(options: CartPoleOptions = {}) {
    const known = new Set(['suttonBartoReward', 'trig']);
    for (const k of Object.keys(options)) {
      if (!known.has(k)) throw new Error(`CartPole: unknown option '${k}'. Known options: ${[...known].join(', ')}`);
    }
    this.suttonBarto = options.suttonBartoReward ?? false;
    const trig = options.trig ?? 'numpy-svml';
    if (!TRIG_KINDS.includes(trig))
      throw new Error(`CartPole: option trig must be one of ${TRIG_KINDS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(trig)}`);
    this.trig = trig;
    this.cos = trig === 'math' ? Math.cos : numpySvmlCos;
    this.sin = trig === 'math' ? Math.sin : numpySvmlSin;
    const c = CARTPOLE;
    const high = [c.xThreshold * 2, Infinity, c.thetaThresholdRadians * 2, Infinity].map(Math.fround);
    this.observationSpace = new Box(
      high.map((h) => -h),
      high,
      [4],
      'float32',
    );
  }

  /** The float64 state [x, xDot, theta, thetaDot]. */
  get state(): [number, number, number, number] {
    return [this.x, this.xDot, this.theta, this.thetaDot];
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    const obs = new Float32Array(4);
    this.resetInto(obs, 0, args);
    return { obs, info: {} };
  }

  resetInto(out: ObsBuffer, offset: number, args: ResetArgs = {}): void {
    if (args.seed !== undefined) this.rng = new Rng(args.seed);
    const opts = args.options ?? {};
    for (const k of Object.keys(opts)) {
      if (k !== 'state' && k !== 'low' && k !== 'high')
        throw new Error(`CartPole.reset: unknown option '${k}'. Known options: state, low, high`);
    }
    if (opts.state !== undefined) {
      const s = opts.state as unknown;
      if (
        !(Array.isArray(s) || ArrayBuffer.isView(s)) ||
        (s as ArrayLike<number>).length !== 4 ||
        !Array.from(s as ArrayLike<number>).every((v) => typeof v === 'number' && Number.isFinite(v))
      ) {
        throw new Error('CartPole.reset: options.state must be 4 finite numbers [x, xDot, theta, thetaDot]');
      }
      const st = s as ArrayLike<number>;
      this.x = st[0];
      this.xDot = st[1];
      this.theta = st[2];
      this.thetaDot = st[3];
    } else {
      const low = opts.low === undefined ? -0.05 : Number(opts.low);
      const high = opts.high === undefined ? 0.05 : Number(opts.high);
      if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
        throw new Error(
          `CartPole.reset: options.low/high must be finite numbers with low <= high, got ${String(opts.low)}, ${String(opts.high)}`,
        );
      }
      this.x = this.rng.range(low, high);
      this.xDot = this.rng.range(low, high);
      this.theta = this.rng.range(low, high);
      this.thetaDot = this.rng.range(low, high);
    }
    this.hasState = true;
    this.stepsBeyondTerminated = null;
    this.writeObs(out, offset);
  }

  step(action: number): StepResult<Float32Array> {
    const obs = new Float32Array(4);
    this.stepInto(action, obs, 0, this.scratch);
    return { obs, reward: this.scratch.reward, terminated: this.scratch.terminated, truncated: false, info: {} };
  }

  stepInto(action: number, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    if (action !== 0 && action !== 1) throw invalidAction(action, this.actionSpace, 'CartPole.step');
    if (!this.hasState) throw new Error('CartPole.step: call reset() before step()');
    const c = CARTPOLE;
    const force = action === 1 ? c.forceMag : -c.forceMag;
    const cosTheta = this.cos(this.theta);
    const sinTheta = this.sin(this.theta);
    const temp = (force + c.poleMassLength * (this.thetaDot * this.thetaDot) * sinTheta) / c.totalMass;
    const thetaAcc =
      (c.gravity * sinTheta - cosTheta * temp) / (c.length * (4.0 / 3.0 - (c.massPole * (cosTheta * cosTheta)) / c.totalMass));
    const xAcc = temp - (c.poleMassLength * thetaAcc * cosTheta) / c.totalMass;
    // Explicit Euler: positions advance with the old velocities.
    this.x = this.x + c.tau * this.xDot;
    this.xDot = this.xDot + c.tau * xAcc;
    this.theta = this.theta + c.tau * this.thetaDot;
    this.thetaDot = this.thetaDot + c.tau * thetaAcc;

    const terminated =
      this.x < -c.xThreshold || this.x > c.xThreshold || this.theta < -c.thetaThresholdRadians || this.theta > c.thetaThresholdRadians;
    let reward: number;
    if (!terminated) reward = this.suttonBarto ? 0.0 : 1.0;
    else if (this.stepsBeyondTerminated === null) {
      this.stepsBeyondTerminated = 0;
      reward = this.suttonBarto ? -1.0 : 1.0;
    } else {
      if (this.stepsBeyondTerminated === 0) {
        console.warn(
          'CartPole: step() called after the episode terminated; call reset() first. Further steps are undefined behaviour (reward 0).',
        );
      }
      this.stepsBeyondTerminated += 1;
      reward = this.suttonBarto ? -1.0 : 0.0;
    }
    outcome.reward = reward;
    outcome.terminated = terminated;
    outcome.truncated = false;
    this.writeObs(out, offset);
  }

  private writeObs(out: ObsBuffer, offset: number): void {
    // A Float32Array store rounds to float32, which is numpy's astype(float32).
    out[offset] = Math.fround(this.x);
    out[offset + 1] = Math.fround(this.xDot);
    out[offset + 2] = Math.fround(this.theta);
    out[offset + 3] = Math.fround(this.thetaDot);
  }

  /** The cart and pole on a 600x400 white canvas, drawn with Gymnasium's geometry and colours. */
  render(): RgbFrame {
    const W = 600,
      H = 400;
    const f = blankFrame(W, H);
    const c = CARTPOLE;
    const scale = W / (c.xThreshold * 2);
    const poleWidth = 10,
      poleLen = scale * (2 * c.length),
      cartWidth = 50,
      cartHeight = 30;
    const trackY = H - 100; // the track 100 px above the bottom edge
    const cartX = this.x * scale + W / 2;
    fillRect(f, 0, trackY, W, trackY + 1, [0, 0, 0]);
    fillRect(f, cartX - cartWidth / 2, trackY - cartHeight / 2, cartX + cartWidth / 2, trackY + cartHeight / 2, [0, 0, 0]);
    // The pole pivots a quarter of the cart's height above the cart's centre; theta > 0 leans right.
    const pivotY = trackY - cartHeight / 4;
    const s = Math.sin(this.theta),
      co = Math.cos(this.theta);
    const along = (d: number, w: number): [number, number] => [cartX + d * s + w * co, pivotY - d * co + w * s];
    const hw = poleWidth / 2;
    fillConvexPolygon(f, [along(-hw, -hw), along(-hw, hw), along(poleLen - hw, hw), along(poleLen - hw, -hw)], [202, 152, 101]);
    fillCircle(f, cartX, pivotY, hw, [129, 132, 203]);
    return f;
  }

  close(): void {
    this.hasState = false;
  }
}
