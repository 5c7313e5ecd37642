/**
 * Seeing what the agent does: record episodes, turn frames into GIFs and PNGs, put the game next to the
 * agent's observation, and plot training curves inline in notebooks.
 */
export { encodePng, crc32, type Image } from './png';
export { toGif, defaultGifScale, type GifOptions } from './gif';
export { upscale, grayToFrame, observationStrip, hstack, sideBySide } from './frames';
export { recordEpisode, type RecordOptions, type RecordedEpisodeFrames } from './record';
export { trainingCurves, ewma, type PlotlyFigure, type Series, type CurvesInput, type CurvesOptions } from './plots';
/** The entropy sweep's curves (`dojo.algos.entropySweep`) as a figure. */
export { entropySweepFigure, type SweepCurve } from './plots';
export {
  showPlot,
  LivePlot,
  showGif,
  gifHtml,
  showPng,
  showHtml,
  plotHtml,
  plotlyBundleScript,
  plotlyLoaderScript,
  normalizeTitles,
  PLOTLY_SCRIPT_MARK,
  type PlotHtmlOptions,
} from './notebook';
export { agentView, type AgentView, type AgentViewOptions } from './agent-view';
export {
  tensorboardSummary,
  tensorboardText,
  tensorboardHtml,
  showTensorBoard,
  type TensorBoardSummary,
  type ScalarSummary,
} from './tensorboard-view';
export { inNotebookKernel } from '../util/notebook';
export { saveBytes } from './save';
/** Comparison sentences whose direction and size are computed from the data (the chapters' printed claims). */
export { direction, describeRatio, describeFactor, compare, type Direction, type ClaimOptions } from './claims';
