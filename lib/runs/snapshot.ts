/**
 * Snapshots and the check that one fits what restores it: no file system here, so that the algorithms
 * (which snapshot and restore) also run in a browser; checkpoint.ts stores snapshots in folders.
 */
import type { RngState } from '../util/rng';

/**
 * Everything needed to continue a run exactly: the config it was made with, counters, the state of
 * every random stream, and flat arrays (parameters, optimiser moments). An algorithm's `snapshot()`
 * returns one; a checkpoint stores one.
 */
export interface Snapshot {
  algo: string;
  config: Record<string, unknown>;
  counters: Record<string, number>;
  rngs: Record<string, RngState>;
  arrays: Record<string, Float32Array | Float64Array>;
  /**
   * The network the arrays belong to (absent in checkpoints written before it was recorded): restoring
   * refuses arrays of a network of another shape, naming the difference (`checkSnapshotFits`).
   */
  network?: NetworkShape;
}

/** What shapes a run's network, and so its arrays: stored with every snapshot, checked on restore. */
export interface NetworkShape {
  /** Shape of one observation the network reads (from the environment `config.envId`). */
  obsShape: number[];
  /** Actions the policy chooses among. */
  nActions: number;
  /** Units of the dense hidden layer(s). */
  hidden: number;
  /** LSTM units of a recurrent network; 0 for a feed-forward one. */
  recurrentUnits: number;
  /** Number of parameters. */
  params: number;
}

/** A snapshot that does not fit the algorithm restoring it (another algorithm, network or optimiser). */
export class CheckpointMismatchError extends Error {}

const NETWORK_LABELS: Record<keyof NetworkShape, string> = {
  obsShape: 'observation shape',
  nActions: 'number of actions',
  hidden: 'hidden units',
  recurrentUnits: 'LSTM units',
  params: 'number of parameters',
};

function describeNetwork(algo: string, n: NetworkShape | undefined, arrays: Snapshot['arrays']): string {
  if (!n) return `this ${algo} network (${arrays.params?.length ?? 0} parameters)`;
  const lstm = n.recurrentUnits ? `, LSTM ${n.recurrentUnits}` : '';
  return `this ${algo} network (observations [${n.obsShape.join(', ')}], ${n.nActions} actions, hidden ${n.hidden}${lstm}, ${n.params} parameters)`;
}

/**
 * Checks that snapshot `s` fits what restores it: the same algorithm, the same network (when `s`
 * records it) and exactly the arrays `want.arrays` has, each of the same dtype and length. Throws a
 * `CheckpointMismatchError` naming the first difference (the array, or the network setting, and both values).
 */
export function checkSnapshotFits(s: Snapshot, want: { algo: string; network?: NetworkShape; arrays: Snapshot['arrays'] }): void {
  const fail = (what: string) => {
    throw new CheckpointMismatchError(what);
  };
  if (s.algo !== want.algo) fail(`it holds a '${s.algo}' run, not '${want.algo}'`);
  if (s.network && want.network) {
    for (const key of Object.keys(NETWORK_LABELS) as (keyof NetworkShape)[]) {
      const saved = JSON.stringify(s.network[key]);
      const now = JSON.stringify(want.network[key]);
      if (saved !== now)
        fail(`its network has ${NETWORK_LABELS[key]} ${saved}, ${describeNetwork(want.algo, want.network, want.arrays)} has ${now}`);
    }
  }
  if (typeof s.arrays !== 'object' || s.arrays === null) fail('it holds no arrays');
  for (const [name, arr] of Object.entries(want.arrays)) {
    const got = s.arrays[name];
    const dtype = arr instanceof Float64Array ? 'float64' : 'float32';
    if (!got)
      fail(
        `array '${name}' is missing (it has ${
          Object.keys(s.arrays)
            .map((k) => `'${k}'`)
            .join(', ') || 'none'
        })`,
      );
    const gotType = got instanceof Float64Array ? 'float64' : 'float32';
    if (gotType !== dtype)
      fail(`array '${name}' is ${gotType}, ${describeNetwork(want.algo, want.network, want.arrays)} keeps it as ${dtype}`);
    if (got.length !== arr.length)
      fail(`array '${name}' holds ${got.length} values, ${describeNetwork(want.algo, want.network, want.arrays)} needs ${arr.length}`);
  }
  for (const name of Object.keys(s.arrays))
    if (!(name in want.arrays))
      fail(`it holds an array '${name}' that ${describeNetwork(want.algo, want.network, want.arrays)} does not use`);
}

/**
 * The error for a checkpoint in `dir` whose snapshot does not fit (see `checkSnapshotFits`), in words:
 * the file, the difference and what to do.
 */
export function mismatchInCheckpoint(dir: string, e: CheckpointMismatchError): Error {
  return new Error(
    `checkpoint ${dir} does not fit the network its state.json describes: ${e.message}. ` +
      'The arrays and the settings come from different runs (an edited state.json, or files copied from another run): ' +
      'use the checkpoint folder as its run wrote it, or start a new run.',
  );
}
