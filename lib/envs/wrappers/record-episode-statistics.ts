import type { Env, ObsBuffer, ResetArgs, ResetResult, StepOutcome, StepResult } from '../core';
import { Wrapper } from './wrapper';

/** What RecordEpisodeStatistics puts in `info.episode` on the last step of an episode. */
export interface EpisodeStats {
  /** The undiscounted return. */
  r: number;
  /** The length in steps. */
  l: number;
  /** Wall-clock seconds the episode took. */
  t: number;
}

/**
 * Adds `info.episode = { r, l, t }` (return, length, seconds) on the step that ends an episode
 * (terminated or truncated), and keeps the last `bufferLength` returns and lengths.
 */
export class RecordEpisodeStatistics<O = Float32Array, A = number> extends Wrapper<O, A> {
  private episodeReturn = 0;
  private episodeLength = 0;
  private startTime = performance.now();
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  /** Statistics of the last finished episode, or null before the first one ends. */
  lastEpisode: EpisodeStats | null = null;

  constructor(
    inner: Env<O, A>,
    readonly bufferLength = 100,
  ) {
    super(inner);
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    this.begin();
    return this.inner.reset(args);
  }

  override step(action: A): StepResult<O> {
    const r = this.inner.step(action);
    const ep = this.account(r.reward, r.terminated || r.truncated);
    if (ep) r.info = { ...r.info, episode: ep };
    return r;
  }

  override resetInto(out: ObsBuffer, offset: number, args?: ResetArgs): void {
    this.begin();
    this.fastInner().resetInto(out, offset, args);
  }

  override stepInto(action: A, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    this.fastInner().stepInto(action, out, offset, outcome);
    this.account(outcome.reward, outcome.terminated || outcome.truncated);
  }

  private begin(): void {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.startTime = performance.now();
  }

  private account(reward: number, done: boolean): EpisodeStats | null {
    this.episodeReturn += reward;
    this.episodeLength += 1;
    if (!done) return null;
    const ep = { r: this.episodeReturn, l: this.episodeLength, t: Math.round(performance.now() - this.startTime) / 1000 };
    this.lastEpisode = ep;
    this.returnQueue.push(ep.r);
    this.lengthQueue.push(ep.l);
    if (this.returnQueue.length > this.bufferLength) {
      this.returnQueue.shift();
      this.lengthQueue.shift();
    }
    return ep;
  }
}
