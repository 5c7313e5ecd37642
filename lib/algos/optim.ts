/**
 * The optimiser and the parameter group live in the nn layer (lib/nn/optim.ts, lib/nn/params.ts); this
 * module re-exports them under the names the algorithms import.
 */
export {
  applyGradients,
  applyGradientsAt,
  clipByGlobalNorm,
  createOptimizerState,
  globalNorm,
  adamSnapshotArrays,
  restoreAdamArrays,
  checkedLrScale,
  Optimizer,
  type OptimizerConfig,
  type OptimizerKind,
  type OptimizerState,
  type OptimizerOptions,
} from '../nn/optim';
export { ParamGroup } from '../nn/params';
