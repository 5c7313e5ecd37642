/**
 * A run folder as a whole: which of its files belong to a run (`metrics.jsonl` and what a killed trim of
 * it leaves, `run.json`, TensorBoard `events.out.tfevents.*`, `checkpoint/`, the best evaluation's `best/`,
 * and what a killed checkpoint save leaves beside them), so that a new run in the same folder can replace them all and never mix with them.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The names of the files and folders of an earlier run in `out` (empty when there is none). */
export function runFiles(out: string): string[] {
  if (!existsSync(out)) return [];
  return readdirSync(out)
    .filter(
      (f) =>
        f === 'metrics.jsonl' ||
        f.startsWith('metrics.jsonl.tmp-') ||
        f === 'run.json' ||
        f.startsWith('events.out.tfevents.') ||
        f === 'checkpoint' ||
        f.startsWith('checkpoint.') ||
        f === 'best' ||
        f.startsWith('best.'),
    )
    .sort();
}

/** Deletes the earlier run in `out` (every file `runFiles` names; anything else stays) and returns what it deleted. */
export function clearRun(out: string): string[] {
  const files = runFiles(out);
  for (const f of files) rmSync(join(out, f), { recursive: true, force: true });
  return files;
}
