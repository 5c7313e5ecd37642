/** The shared control block between AsyncVectorEnv and its workers (one slot of Int32s per worker). */
export const SLOT = 8;
export const CMD = 0;
export const SEQ = 1;
export const DONE = 2;
export const STATUS = 3;
export const ERR_LEN = 4;
export const ERR_ENV = 5;

export const CMD_RESET = 1;
export const CMD_STEP = 2;
export const CMD_CLOSE = 3;

export const STATUS_OK = 0;
export const STATUS_ERROR = 1;

/** Bytes of error text each worker can report. */
export const ERR_BYTES = 4096;

export interface WorkerInit {
  worker: number;
  from: number;
  specs: import('../registry').EnvSpec[];
  n: number;
  obsSize: number;
  memory: SharedArrayBuffer;
  control: SharedArrayBuffer;
  errors: SharedArrayBuffer;
  /** Float64 per worker: milliseconds spent stepping/resetting its envs, and the commands served. */
  stats: SharedArrayBuffer;
}

/** Float64s per worker in the stats block. */
export const STATS_SLOT = 2;
export const STATS_BUSY_MS = 0;
export const STATS_COMMANDS = 1;
