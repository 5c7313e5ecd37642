/**
 * A run's `metrics.jsonl`: one JSON object per line, appended as the run goes (the trainer writes one
 * line per update, `kind: 'train'`, and one per evaluation, `kind: 'eval'`; each has `update`).
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The metrics.jsonl of one run folder, written line by line. */
export class MetricsLog {
  constructor(readonly path: string) {}

  /** Starts an empty log (a new run). */
  start(): void {
    writeFileSync(this.path, '');
  }

  /**
   * A resumed run: drops the lines written after update `updates`, so the log reads as one uninterrupted
   * run, and a last line cut short by a kill mid-write (said on stderr); the trimmed log replaces the old
   * one by a rename, so a kill during the trim loses nothing. A damaged line before the last
   * is an error naming the file and line: that is not what an interrupted run leaves.
   */
  keepUpTo(updates: number): void {
    if (!existsSync(this.path)) return;
    const lines = readFileSync(this.path, 'utf8').split('\n');
    const kept: string[] = [];
    lines.forEach((l, i) => {
      if (!l) return;
      let row: { update?: number };
      try {
        row = JSON.parse(l) as { update?: number };
      } catch {
        if (lines.slice(i + 1).some(Boolean))
          throw new Error(`${this.path}:${i + 1}: not valid JSON (and not the last line, which a kill could cut short)`);
        console.error(`${this.path}: dropped its last line, cut short when the run was killed mid-write`);
        return;
      }
      if ((row.update ?? 0) <= updates) kept.push(l);
    });
    // Written beside and renamed into place: a kill meanwhile leaves the old log whole, never a cut one.
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, kept.map((l) => `${l}\n`).join(''));
    renameSync(tmp, this.path);
  }

  append(obj: object): void {
    appendFileSync(this.path, `${JSON.stringify(obj)}\n`);
  }
}

/**
 * Every line of a metrics.jsonl, parsed. A last line cut short (a run killed mid-write) is left out; any
 * other line that is not JSON is an error naming the file and line.
 */
export function readMetrics<L = Record<string, unknown>>(path: string): L[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const rows: L[] = [];
  lines.forEach((l, i) => {
    try {
      rows.push(JSON.parse(l) as L);
    } catch {
      if (i < lines.length - 1) throw new Error(`${path}:${i + 1}: not valid JSON`);
    }
  });
  return rows;
}
