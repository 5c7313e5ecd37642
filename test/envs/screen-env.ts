import { StepOutcome, type Env, type FastEnv, type ObsBuffer, type ResetArgs, type RgbFrame } from '../../lib/envs/core';
import { Box, Discrete } from '../../lib/envs/spaces';

/** A stand-in Atari env for tests: plays back fixed 210x160x3 screens, one per step, cycling. */
export class ScreenReplayEnv implements Env<Uint8Array, number>, FastEnv<number> {
  readonly observationSpace = new Box(0, 255, [210, 160, 3], 'uint8');
  readonly actionSpace = new Discrete(14);
  private t = 0;
  constructor(
    private readonly screens: Uint8Array[],
    private readonly episodeLength = Infinity,
  ) {}
  reset(_args?: ResetArgs) {
    const obs = new Uint8Array(100800);
    this.resetInto(obs, 0);
    return { obs, info: {} };
  }
  step(a: number) {
    const obs = new Uint8Array(100800);
    const o = new StepOutcome();
    this.stepInto(a, obs, 0, o);
    return { obs, reward: o.reward, terminated: o.terminated, truncated: o.truncated, info: {} };
  }
  resetInto(out: ObsBuffer, offset: number): void {
    this.t = 0;
    this.write(out, offset);
  }
  stepInto(action: number, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    if (!this.actionSpace.contains(action)) throw new Error(`bad action ${action}`);
    this.t++;
    outcome.reward = action;
    outcome.terminated = this.t >= this.episodeLength;
    outcome.truncated = false;
    this.write(out, offset);
  }
  private write(out: ObsBuffer, offset: number): void {
    const s = this.screens[this.t % this.screens.length];
    for (let i = 0; i < s.length; i++) out[offset + i] = s[i];
  }
  render(): RgbFrame {
    return { width: 160, height: 210, data: this.screens[this.t % this.screens.length].slice() };
  }
  close(): void {}
}
