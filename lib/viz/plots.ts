/**
 * Training curves as Plotly figure specs ({ data, layout }): raw values faint, their exponentially
 * weighted moving average bold, one panel per quantity.
 */

export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

/** Exponentially weighted moving average, `alpha` the weight of the newest value (bias-corrected start). */
export function ewma(values: ArrayLike<number>, alpha = 0.1): number[] {
  if (!(alpha > 0 && alpha <= 1)) throw new Error(`ewma: alpha must be in (0, 1], got ${alpha}`);
  const out: number[] = [];
  let m = 0, w = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) { out.push(out.length ? out[out.length - 1] : NaN); continue; }
    m = (1 - alpha) * m + alpha * v;
    w = (1 - alpha) * w + alpha;
    out.push(m / w);
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
  /** EWMA weight of the newest point (default 0.05). */
  alpha?: number;
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
  const alpha = opts.alpha ?? 0.05;
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
      data.push({ type: 'scatter', mode: 'lines', name: `${name} (raw)`, x, y, xaxis: `x${axis}`, yaxis: `y${axis}`, line: { color: c, width: 1 }, opacity: 0.3, showlegend: false });
      data.push({ type: 'scatter', mode: 'lines', name: `${name} (EWMA)`, x, y: ewma(y, alpha), xaxis: `x${axis}`, yaxis: `y${axis}`, line: { color: c, width: 2.5 } });
    }
    layout[`yaxis${axis}`] = { title: { text: panel.title } };
    layout[`xaxis${axis}`] = { title: { text: k === panels.length - 1 ? opts.xTitle ?? 'step' : '' } };
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
