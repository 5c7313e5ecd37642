// Writes a Jupyter notebook (nbformat 4.5) for the tslab TypeScript kernel from a list of cells.
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

/** cells: [{ kind: 'markdown' | 'code', source: string }] */
export function writeNotebook(path, cells) {
  const nb = {
    cells: cells.map((c, i) => {
      const id = createHash('sha1').update(`${i}:${c.source}`).digest('hex').slice(0, 12);
      const lines = c.source.replace(/\n+$/, '').split('\n').map((l, j, all) => (j < all.length - 1 ? l + '\n' : l));
      return c.kind === 'markdown'
        ? { cell_type: 'markdown', id, metadata: {}, source: lines }
        : { cell_type: 'code', execution_count: null, id, metadata: {}, outputs: [], source: lines };
    }),
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(path, JSON.stringify(nb, null, 1) + '\n');
}
