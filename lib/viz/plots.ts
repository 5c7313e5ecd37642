/**
 * Training curves as Plotly figure specs ({ data, layout }): raw values faint, their exponentially
 * weighted moving average bold, one panel per quantity.
 */

export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

/**
 * Exponentially weighted moving average over a span (chapter 5's exercise): with alpha = 2 / (span + 1),
 * `y_t = sum_{i<=t} (1-alpha)^(t-i) x_i / sum_{i<=t} (1-alpha)^(t-i)`. Dividing by the sum of the
 * weights used so far (the bias correction) keeps the first points from being pulled towards 0.
 * Span 1 is no smoothing. A value that is not finite (NaN, a missing point) is skipped: its output
 * repeats the previous average.
 */
export function ewma(xs: ArrayLike<number>, span: number): number[] {
  if (!(span >= 1)) throw new Error(`ewma: span must be at least 1, got ${span}`);
  const keep = 1 - 2 / (span + 1);
  const out: number[] = [];
  let weighted = 0;
  let weights = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (!Number.isFinite(x)) {
      out.push(out.length ? out[out.length - 1] : NaN);
      continue;
    }
    weighted = x + keep * weighted;
    weights = 1 + keep * weights;
    out.push(weighted / weights);
  }
  return out;
}

export interface Series {
  /** Values, one per point. */
  y: ArrayLike<number>;
  /** X positions (steps or episodes); default 0, 1, 2, ... */
  x?: ArrayLike<number>;
}

export interface CurvesInput {
  /** Episode returns (or any reward signal). */
  rewards?: Series | ArrayLike<number>;
  entropy?: Series | ArrayLike<number>;
  /** Named losses, e.g. { policy: [...], value: [...] }. */
  losses?: Record<string, Series | ArrayLike<number>>;
}

export interface CurvesOptions {
  title?: string;
  /** Span of the EWMA drawn over each series (default 39: the newest point weighs 0.05). */
  span?: number;
  xTitle?: string;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function asSeries(s: Series | ArrayLike<number>): { x: number[]; y: number[] } {
  const ser: Series = (s as Series).y !== undefined ? (s as Series) : { y: s as ArrayLike<number> };
  const y = Array.from(ser.y);
  const x = ser.x ? Array.from(ser.x) : y.map((_, i) => i);
  if (x.length !== y.length) throw new Error(`plot series: ${x.length} x values but ${y.length} y values`);
  return { x, y };
}

/** Training curves: one panel each for rewards, entropy and losses that are given. */
export function trainingCurves(input: CurvesInput, opts: CurvesOptions = {}): PlotlyFigure {
  const span = opts.span ?? 39;
  const panels: Array<{ title: string; series: Array<[string, Series | ArrayLike<number>]> }> = [];
  if (input.rewards) panels.push({ title: 'reward', series: [['reward', input.rewards]] });
  if (input.entropy) panels.push({ title: 'entropy', series: [['entropy', input.entropy]] });
  if (input.losses && Object.keys(input.losses).length) panels.push({ title: 'loss', series: Object.entries(input.losses) });
  if (panels.length === 0) throw new Error('trainingCurves: give at least one of rewards, entropy, losses');
  const data: Array<Record<string, unknown>> = [];
  const layout: Record<string, unknown> = {
    title: opts.title ? { text: opts.title } : undefined,
    height: 260 * panels.length,
    grid: { rows: panels.length, columns: 1, pattern: 'independent' },
    showlegend: true,
    margin: { l: 60, r: 20, t: opts.title ? 50 : 20, b: 40 },
  };
  let colour = 0;
  panels.forEach((panel, k) => {
    const axis = k === 0 ? '' : String(k + 1);
    for (const [name, s] of panel.series) {
      const { x, y } = asSeries(s);
      const c = COLOURS[colour++ % COLOURS.length];
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `${name} (raw)`,
        x,
        y,
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { color: c, width: 1 },
        opacity: 0.3,
        showlegend: false,
      });
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `${name} (EWMA)`,
        x,
        y: ewma(y, span),
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { color: c, width: 2.5 },
      });
    }
    layout[`yaxis${axis}`] = { title: { text: panel.title } };
    layout[`xaxis${axis}`] = { title: { text: k === panels.length - 1 ? (opts.xTitle ?? 'step') : '' } };
  });
  return { data, layout };
}

/** One coefficient's curves from an entropy sweep (`dojo.algos.entropySweep`'s `curves`). */
export interface SweepCurve {
  entropyCoef: number;
  returns: number[];
  entropy: number[];
}

/**
 * The entropy sweep as a figure: one line per coefficient, of the mean training return per update
 * (`what: 'returns'`) or of the policy's mean entropy per update (`what: 'entropy'`).
 */
export function entropySweepFigure(curves: SweepCurve[], what: 'returns' | 'entropy' = 'returns'): PlotlyFigure {
  const returns = what === 'returns';
  return {
    data: curves.map((c) => {
      const y = returns ? c.returns : c.entropy;
      return { type: 'scatter', mode: 'lines', name: `beta = ${c.entropyCoef}`, x: y.map((_, i) => i + 1), y };
    }),
    layout: {
      title: { text: returns ? 'Training return per update, by entropy coefficient' : 'Policy entropy per update, by entropy coefficient' },
      xaxis: { title: { text: 'update' } },
      yaxis: { title: { text: returns ? 'mean episode return' : 'entropy (nats)' } },
    },
  };
}
