/**
 * The environment registry: `make('CartPole-v1')` as Gymnasium's `gym.make`. Each id has a factory and,
 * where Gymnasium has one, a default time limit applied with the TimeLimit wrapper.
 */
import { closestMatch } from '../util/text';
import type { Env } from './core';
import { CartPoleEnv, type CartPoleOptions } from './cartpole';
import { TimeLimit } from './wrappers/time-limit';

/** Options every id accepts; anything else is passed to the environment's factory. */
export interface MakeOptions {
  /** Overrides the id's time limit; `null` removes it. */
  maxEpisodeSteps?: number | null;
  [key: string]: unknown;
}

export interface Registration {
  id: string;
  /** One line shown in listings. */
  description: string;
  /** Builds the bare environment from the options left after `maxEpisodeSteps` is taken out. */
  create(options: Record<string, unknown>): Env<unknown, unknown>;
  /** The default time limit (Gymnasium's `max_episode_steps`), if any. */
  maxEpisodeSteps?: number;
}

/**
 * A serialisable description of an environment, enough to build it in another thread: the id, its
 * options, the seed of its first reset, and optionally a module to load first (one that registers
 * extra ids of your own, resolved from the project root or absolute; the library's ids need none).
 * `makeFromSpec` (from-spec.ts, Node only: it may load that module) builds it.
 */
export interface EnvSpec {
  id: string;
  options?: MakeOptions;
  seed?: number;
  module?: string;
}

const registry = new Map<string, Registration>();
/** Providers asked once, on the first lookup of an id not yet registered (the Atari ids). */
const lazyProviders: Array<() => void> = [];

/** Adds an id to the registry (replacing any previous registration of that id). */
export function register(reg: Registration): void {
  if (!/^[A-Za-z0-9_/.-]+-v\d+$/.test(reg.id)) {
    throw new Error(`register: id '${reg.id}' must look like Name-vN (letters, digits, _ . / -, then a version)`);
  }
  registry.set(reg.id, reg);
}

/** Registers a function that registers more ids, run the first time an unknown id is asked for. */
export function registerLazy(provider: () => void): void {
  lazyProviders.push(provider);
}

function runLazyProviders(): void {
  while (lazyProviders.length > 0) lazyProviders.shift()!();
}

/** Every registered id, sorted. */
export function registeredIds(): string[] {
  runLazyProviders();
  return [...registry.keys()].sort();
}

export function registration(id: string): Registration {
  let reg = registry.get(id);
  if (!reg) {
    runLazyProviders();
    reg = registry.get(id);
  }
  if (!reg) {
    const ids = registeredIds();
    const near = closestMatch(id, ids);
    throw new Error(`make: unknown environment id '${id}'.${near ? ` Did you mean '${near}'?` : ''} Known ids: ${ids.join(', ')}`);
  }
  return reg;
}

/** Builds a registered environment, wrapped in TimeLimit when the id has a time limit. */
// biome-ignore lint/suspicious/noExplicitAny: an id names no observation type; callers name it (make<Float32Array>) or use it as given, as with Gymnasium's make
export function make<O = any, A = number>(id: string, options: MakeOptions = {}): Env<O, A> {
  if (typeof id !== 'string') throw new Error(`make: the id must be a string, got ${typeof id}`);
  const reg = registration(id);
  const { maxEpisodeSteps, ...rest } = options;
  const env = reg.create(rest) as Env<O, A>;
  const limit = maxEpisodeSteps === undefined ? reg.maxEpisodeSteps : maxEpisodeSteps;
  if (limit !== undefined && limit !== null) return withId(new TimeLimit(env, limit), id);
  return withId(env, id);
}

function withId<E extends Env<unknown, unknown>>(env: E, id: string): E {
  Object.defineProperty(env, 'id', { value: id, configurable: true, enumerable: true });
  return env;
}

// The Atari ids (and their training families) load the emulator only when first asked for.
registerLazy(() => {
  for (const reg of (require('./atari') as typeof import('./atari')).atariRegistrations()) register(reg);
});

register({
  id: 'CartPole-v0',
  description: 'Balance a pole on a cart; episodes truncated at 200 steps.',
  create: (o) => new CartPoleEnv(o as CartPoleOptions),
  maxEpisodeSteps: 200,
});
register({
  id: 'CartPole-v1',
  description: 'Balance a pole on a cart; episodes truncated at 500 steps.',
  create: (o) => new CartPoleEnv(o as CartPoleOptions),
  maxEpisodeSteps: 500,
});
