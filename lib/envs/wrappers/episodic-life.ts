import { StepOutcome, type Env, type ObsBuffer, type ResetArgs, type ResetResult, type StepResult } from '../core';
import { Wrapper } from './wrapper';

/** What EpisodicLife needs from the game below it. */
interface HasLives {
  lives(): number;
}

const hasLives = (e: unknown): e is HasLives => typeof (e as Partial<HasLives>).lives === 'function';

/**
 * Treats the loss of a life as the end of an episode for learning, while the game goes on — the
 * "episodic life" of DeepMind's Atari agents. A step that costs a life (and does not end the game)
 * reports `terminated: true` and `lifeLost: true` (in `info` on the `step` path, in the StepOutcome on the
 * allocation-free path), so a learner stops bootstrapping there: dying is worth nothing afterwards. The
 * following `reset()` does not restart the game: it plays one NOOP step (action 0) and returns that
 * observation. Only when the game is really over does `reset()` restart it.
 *
 * Vector envs (SyncVectorEnv, AsyncVectorEnv), and so the algorithms' rollouts, read `lifeLost`: they reset the env
 * (which continues the game) but keep adding to the episode's return, so the returns they report are
 * those of whole games. Evaluate on the game without this wrapper.
 */
export class EpisodicLife<O = Float32Array> extends Wrapper<O, number> {
  private lives = 0;
  /** The last step lost a life but the game goes on: the next reset continues it. */
  private continueOnReset = false;
  private readonly game: HasLives;
  private readonly scratch = new StepOutcome();

  constructor(inner: Env<O, number>) {
    super(inner);
    const game = this.unwrapped;
    if (!hasLives(game)) throw new Error(`EpisodicLife: the environment ${inner.id ?? ''} has no lives() (an Atari game is needed)`);
    this.game = game;
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    if (this.continueOnReset && args?.seed === undefined) {
      const r = this.inner.step(0);
      this.started();
      return { obs: r.obs, info: r.info };
    }
    const r = this.inner.reset(args);
    this.started();
    return r;
  }

  override step(action: number): StepResult<O> {
    const r = this.inner.step(action);
    const lost = this.afterStep(r.terminated || r.truncated);
    if (lost) r.terminated = true;
    r.info = { ...r.info, lifeLost: lost };
    return r;
  }

  override resetInto(out: ObsBuffer, offset: number, args?: ResetArgs): void {
    if (this.continueOnReset && args?.seed === undefined) this.fastInner().stepInto(0, out, offset, this.scratch);
    else this.fastInner().resetInto(out, offset, args);
    this.started();
  }

  override stepInto(action: number, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    this.fastInner().stepInto(action, out, offset, outcome);
    const lost = this.afterStep(outcome.terminated || outcome.truncated);
    if (lost) outcome.terminated = true;
    outcome.lifeLost = lost;
  }

  /** After a reset or a continuation: count the lives from here. */
  private started(): void {
    this.lives = this.game.lives();
    this.continueOnReset = false;
  }

  /** Updates the life count after a step; true when the step lost a life and the game goes on. */
  private afterStep(gameEnded: boolean): boolean {
    const now = this.game.lives();
    const lost = !gameEnded && now < this.lives && now > 0;
    this.lives = now;
    this.continueOnReset = lost;
    return lost;
  }
}
