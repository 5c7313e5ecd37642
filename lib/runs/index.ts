/**
 * What a run writes: checkpoints (`state.json` + `arrays.bin`), `metrics.jsonl`, TensorBoard event
 * files. File formats only: this layer knows no algorithm, network or environment (lib/README.md).
 */
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, type Checkpoint, type Snapshot } from './checkpoint';
export { MetricsLog, readMetrics } from './metrics';
export { runFiles, clearRun } from './run-folder';
export { TensorBoardWriter, readEventFile, crc32c, maskedCrc32c, type ParsedEvent } from './tensorboard';
