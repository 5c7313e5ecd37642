/**
 * The layers of lib/ (lib/README.md): each module may use modules of its own layer and of lower layers only.
 *   util < atari | runs < envs < nn < algos < viz < grading | cli | live < index (lib/index.ts, the package's front door)
 * atari and runs are peers, and so are grading, cli and live (the browser entry of the live book): none uses another. runs (what a run writes:
 * checkpoints, metrics.jsonl, TensorBoard events) uses util only. A "use" is any edge of test/tooling/module-graph.ts:
 * a static import (type-only ones too), require(), import(), require.resolve(), or a Worker started on a path.
 * Also failing: an import cycle; a load whose path is only known at run time (it can reach any layer), outside
 * the listed exceptions; a string literal naming a lib/ module file (a module path handed to some loader).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycles, layerOf, moduleGraph } from './module-graph';

export const LAYERS: Record<string, number> = {
  util: 0,
  atari: 1,
  runs: 1,
  envs: 2,
  nn: 3,
  algos: 4,
  viz: 5,
  grading: 6,
  cli: 6,
  live: 6,
  index: 7,
};

/** Loads whose path is computed, each allowed for a stated reason: "file: the call as written" -> reason. */
const DYNAMIC_LOAD_EXCEPTIONS: Record<string, string> = {
  'lib/grading/worker.cjs: require(file)': "loads the learner's exercise file (outside lib/) in the grading worker",
  'lib/envs/from-spec.ts: require(isAbsolute(spec.module) ? spec.module : resolve(projectRoot(), spec.module))':
    "loads a user's module that registers their own env ids (Gymnasium's entry-point idea), so worker threads know them; no lib/ module is named this way",
};

const graph = moduleGraph();

test('module graph sanity: lib/ is read, and every layer is known', () => {
  assert.ok(graph.files.length > 50 && graph.edges.length > 100, `${graph.files.length} files, ${graph.edges.length} edges`);
  const unknown = [...new Set(graph.files.map(layerOf))].filter((l) => !(l in LAYERS));
  assert.deepEqual(unknown, [], `lib/ folders without a layer (add them to LAYERS and lib/README.md): ${unknown.join(', ')}`);
});

test('no import cycle in lib/', () => {
  // Worker entries start a fresh module instance in another thread, so they close no loading cycle.
  const found = cycles(graph.edges.filter((e) => e.kind !== 'import type' && e.kind !== 'worker' && e.kind !== 'require.resolve'));
  const describe = (c: string[]) =>
    c
      .slice(0, -1)
      .map((from, i) => {
        const e = graph.edges.find((x) => x.from === from && x.to === c[i + 1])!;
        return `    ${e.from}:${e.line} -> ${e.to} (${e.kind})`;
      })
      .join('\n');
  assert.equal(
    found.length,
    0,
    `${found.length} import cycle(s):\n${found.map((c) => `  cycle ${c.join(' -> ')}\n${describe(c)}`).join('\n')}`,
  );
});

test('no module uses a module of a higher layer (or of a peer layer)', () => {
  const bad = graph.edges.filter((e) => {
    const a = layerOf(e.from);
    const b = layerOf(e.to);
    return a !== b && LAYERS[b] >= LAYERS[a];
  });
  const lines = bad.map(
    (e) =>
      `  ${e.from}:${e.line} -> ${e.to} (${e.kind}): layer ${layerOf(e.from)} uses ${layerOf(e.to)}, ` +
      `${LAYERS[layerOf(e.to)] === LAYERS[layerOf(e.from)] ? 'a peer layer' : 'a higher layer'}`,
  );
  assert.equal(bad.length, 0, `${bad.length} layering violation(s):\n${lines.join('\n')}`);
});

test('no load of a module chosen at run time (it can reach a higher layer), beyond the listed exceptions', () => {
  const bad = graph.dynamicLoads.filter((d) => !(`${d.file}: ${d.text}` in DYNAMIC_LOAD_EXCEPTIONS));
  const lines = bad.map((d) => `  ${d.file}:${d.line}: ${d.text} (layer ${layerOf(d.file)} loads a path it is handed)`);
  assert.equal(bad.length, 0, `${bad.length} run-time load(s) of a computed path:\n${lines.join('\n')}`);
});

test('no lib/ module path handed around as data (to a loader or a worker)', () => {
  const lines = graph.pathLiterals.map(
    (p) =>
      `  ${p.file}:${p.line}: the string '${p.names}' names a module of layer ${layerOf(p.names)}; whoever loads it depends on it unseen`,
  );
  assert.equal(lines.length, 0, `${lines.length} module path(s) as data:\n${lines.join('\n')}`);
});
