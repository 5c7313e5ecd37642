/**
 * Building an environment from its serialisable spec (registry.ts' `EnvSpec`), in Node: the spec may
 * name a module of the user's that registers their own ids, loaded first (in every worker thread of a
 * vector env). Kept apart from the registry so that the registry stays free of Node's modules (the
 * live book bundles it for the browser).
 */
import { isAbsolute, resolve } from 'node:path';
import { projectRoot } from '../util/paths';
import type { Env } from './core';
import { make, type EnvSpec } from './registry';

/** Builds the environment a spec describes (loading `spec.module` first when given). */
// biome-ignore lint/suspicious/noExplicitAny: an id names no observation type; callers name it (make<Float32Array>) or use it as given, as with Gymnasium's make
export function makeFromSpec<O = any, A = number>(spec: EnvSpec): Env<O, A> {
  if (spec.module) require(isAbsolute(spec.module) ? spec.module : resolve(projectRoot(), spec.module));
  return make<O, A>(spec.id, spec.options ?? {});
}
