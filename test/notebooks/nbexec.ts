import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectRoot } from '../../lib/util/paths';

/** A Python that can run Jupyter notebooks, or null (same search as scripts/jupyter.mjs). */
export function findJupyterPython(): string | null {
  for (const py of [process.env.JUPYTER_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    const r = spawnSync(py, ['-c', 'import jupyter_client, nbclient, nbformat'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

export interface NotebookRun {
  ok: boolean;
  /** One entry per failing cell: "cell N: message (source: ...)". */
  errors: string[];
  log: string;
  outputPath: string;
  /** The text each check cell (one calling dojo.grading.check) printed, in order. */
  checkOutputs: string[];
}

/** Executes a notebook with the project's tslab kernel (scripts/run_notebook.py) and collects cell errors. */
export function executeNotebook(python: string, path: string, outDir: string, env: Record<string, string> = {}): NotebookRun {
  const root = projectRoot();
  const jupyterPath = join(root, '.jupyter', 'share', 'jupyter');
  if (!existsSync(join(jupyterPath, 'kernels', 'tslab', 'kernel.json'))) {
    spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { stdio: 'inherit' });
  }
  const outputPath = join(outDir, basename(path));
  const r = spawnSync(python, [join(root, 'scripts', 'run_notebook.py'), path, outputPath, '--timeout', '900'], {
    encoding: 'utf8',
    env: { ...process.env, ...env, JUPYTER_PATH: jupyterPath },
    maxBuffer: 256 << 20,
  });
  const log = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const lastLine = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  let errors: string[];
  try {
    const report = JSON.parse(lastLine) as { ok: boolean; errors: { cell: number | null; source: string; message: string }[] };
    errors = report.errors.map(
      (e) => `cell ${e.cell ?? '?'}: ${e.message}\n  source: ${e.source.split('\n').slice(0, 4).join('\n          ')}`,
    );
  } catch {
    errors = [`the notebook runner failed before reporting:\n${log.slice(-3000)}`];
  }
  const checkOutputs: string[] = [];
  if (existsSync(outputPath)) {
    const nb = JSON.parse(readFileSync(outputPath, 'utf8'));
    for (const cell of nb.cells) {
      const src = [].concat(cell.source).join('');
      if (cell.cell_type !== 'code' || !/grading\.check\./.test(src)) continue;
      checkOutputs.push(
        (cell.outputs ?? [])
          .map((o: { text?: string | string[]; data?: Record<string, string | string[]> }) =>
            ([] as string[]).concat(o.text ?? o.data?.['text/plain'] ?? '').join(''),
          )
          .join(''),
      );
    }
  }
  return { ok: r.status === 0 && errors.length === 0, errors, log, outputPath, checkOutputs };
}
