/**
 * A run's `metrics.jsonl`: one JSON object per line, appended as the run goes (the trainer writes one
 * line per update, `kind: 'train'`, and one per evaluation, `kind: 'eval'`; each has `update`).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The metrics.jsonl of one run folder, written line by line. */
export class MetricsLog {
  constructor(readonly path: string) {}

  /** Starts an empty log (a new run). */
  start(): void {
    writeFileSync(this.path, '');
  }

  /** A resumed run: drops the lines written after update `updates`, so the log reads as one uninterrupted run. */
  keepUpTo(updates: number): void {
    if (!existsSync(this.path)) return;
    const kept = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((l) => l && (JSON.parse(l) as { update: number }).update <= updates);
    writeFileSync(this.path, kept.map((l) => `${l}\n`).join(''));
  }

  append(obj: object): void {
    appendFileSync(this.path, `${JSON.stringify(obj)}\n`);
  }
}

/** Every line of a metrics.jsonl, parsed; a line that is not JSON is an error naming the file and line. */
export function readMetrics<L = Record<string, unknown>>(path: string): L[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l, i) => {
      try {
        return JSON.parse(l) as L;
      } catch {
        throw new Error(`${path}:${i + 1}: not valid JSON`);
      }
    });
}
