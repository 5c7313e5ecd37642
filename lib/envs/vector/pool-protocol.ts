/** The shared control block between EnvPool and its workers (one slot of Int32s per worker). */
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
}
