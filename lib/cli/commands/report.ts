import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliCommand, UsageError } from '../command';
import { parseFlags } from '../args';
import { readMetrics } from '../../runs/metrics';
import { plotHtml, trainingCurves, type PlotlyFigure } from '../../viz';

const usage = `Usage: gradient-dojo report runs/NAME [--out FILE]

Writes an HTML page of a run's training curves (episode return with its EWMA, evaluations, policy
entropy, losses) with plotly.js inlined, so it opens offline. Default output: runs/NAME/report.html.`;

interface Line {
  kind: string;
  update: number;
  envSteps: number;
  [k: string]: unknown;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export const command: CliCommand = {
  summary: 'HTML page with the training curves of a run (plotly inlined)',
  usage,
  async run(argv) {
    const { flags, positional } = parseFlags(argv, [{ name: 'out', type: 'string' }]);
    if (positional.length !== 1) throw new UsageError('give one run folder, e.g. runs/reinforce');
    const dir = positional[0];
    const metricsPath = join(dir, 'metrics.jsonl');
    if (!existsSync(metricsPath))
      throw new UsageError(`no metrics.jsonl in ${dir}: is it a run folder written by \`gradient-dojo train\`?`);
    const lines = readMetrics<Line>(metricsPath);
    const train = lines.filter((l) => l.kind === 'train');
    const evals = lines.filter((l) => l.kind === 'eval');
    if (train.length === 0) throw new UsageError(`${metricsPath} holds no training updates yet`);
    const run = existsSync(join(dir, 'run.json'))
      ? (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { algo: string; config: Record<string, unknown>; started: string })
      : null;
    const withReturn = train.filter((l) => typeof l.episodeReturn === 'number');
    const series = (key: string) => {
      const pts = train.filter((l) => typeof l[key] === 'number');
      return { x: pts.map((l) => l.envSteps), y: pts.map((l) => l[key] as number) };
    };
    const lossKeys = [...new Set(train.flatMap((l) => Object.keys(l).filter((k) => k.startsWith('loss/'))))];
    const curves = trainingCurves(
      {
        rewards: { x: withReturn.map((l) => l.envSteps), y: withReturn.map((l) => l.episodeReturn as number) },
        entropy: series('policy/entropy'),
        losses: Object.fromEntries(lossKeys.map((k) => [k.slice(5), series(k)])),
      },
      { title: `${run?.algo ?? 'run'} — training`, xTitle: 'environment steps' },
    );
    const figures: PlotlyFigure[] = [curves];
    if (evals.length) {
      figures.push({
        data: [
          {
            type: 'scatter',
            mode: 'lines+markers',
            name: 'evaluation mean return',
            x: evals.map((e) => e.envSteps),
            y: evals.map((e) => e.mean as number),
            error_y: { type: 'data', array: evals.map((e) => e.std as number), visible: true },
          },
        ],
        layout: {
          title: { text: 'evaluation (mean ± std over episodes)' },
          xaxis: { title: { text: 'environment steps' } },
          yaxis: { title: { text: 'return' } },
          height: 360,
        },
      });
    }
    const last = train[train.length - 1];
    const summary = [
      ['algorithm', run?.algo ?? '?'],
      ['started', run?.started ?? '?'],
      ['updates', String(last.update)],
      ['environment steps', String(last.envSteps)],
      ['episodes', String(last.episodes ?? '?')],
      ['training time (s)', typeof last.time === 'number' ? last.time.toFixed(1) : '?'],
      ['last return EWMA', typeof last.returnEwma === 'number' ? last.returnEwma.toFixed(1) : '-'],
      [
        'last evaluation',
        evals.length
          ? `${(evals[evals.length - 1].mean as number).toFixed(1)} ± ${(evals[evals.length - 1].std as number).toFixed(1)}`
          : '-',
      ],
    ];
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(dir)} — gradient-dojo report</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td{padding:2px 12px;border-bottom:1px solid #ddd}pre{background:#f6f6f6;padding:1em;overflow:auto}</style>
</head><body><h1>${escapeHtml(dir)}</h1>
<table>${summary.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
${figures.map((f, i) => plotHtml(f, { embedPlotly: i === 0 ? 'always' : 'never' })).join('\n')}
<h2>Configuration</h2><pre>${escapeHtml(JSON.stringify(run?.config ?? {}, null, 2))}</pre>
</body></html>\n`;
    const out = flags.out === undefined ? join(dir, 'report.html') : String(flags.out);
    writeFileSync(out, html);
    console.log(`wrote ${out} (${(html.length / 1e6).toFixed(1)} MB)`);
    return 0;
  },
};
