/**
 * Generates the course files from the single source of truth in chapters/NN_name.ts:
 *   notebooks/NN_name.ipynb   the learner notebook (exercise bodies replaced by stubs)
 *   exercises/NN_name.ts      the same exercises as plain functions, graded by `npm run grade`
 *   solutions/NN_name.ts      the exercises with their solutions
 *   solutions/NN_name.ipynb   the full notebook with solutions (executed for the book)
 * and notebooks/00_setup_check.ipynb, the notebook a learner runs first, from chapters/setup/00_setup_check.ts
 * (same cell format, no exercises; not a chapter, so not in loadChapters()).
 *
 * Chapter format: cells start with a marker line.
 *   // %% [markdown]   prose; every line starts with "// " (stripped), LaTeX math allowed
 *   // %%              a code cell
 *   // %% [imports]    a code cell whose lines also head the exercises/solutions .ts files
 *   // %% [exercise]   one `export function name(...)` whose body holds a
 *                      `// BEGIN SOLUTION` ... `// END SOLUTION` region; a check cell follows it
 *
 * Usage: node --import tsx scripts/build-chapters.ts [--check]
 *   --check  writes nothing; exits 1 listing every generated file that is missing or stale.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type CellKind = 'markdown' | 'code' | 'imports' | 'exercise';

export interface SourceCell {
  kind: CellKind;
  lines: string[];
  /** Line number (1-based) of the marker in the chapter file, for error messages. */
  line: number;
}

export interface Chapter {
  id: string;
  file: string;
  cells: SourceCell[];
  exercises: string[];
}

const MARKER = /^\/\/ %%(?: \[(markdown|imports|exercise)\])?\s*$/;
const BEGIN = /^(\s*)\/\/ BEGIN SOLUTION\s*$/;
const END = /^\s*\/\/ END SOLUTION\s*$/;
const EXERCISE_NAME = /^export function (\w+)\s*[(<]/m;

export function parseChapter(id: string, file: string, text: string): Chapter {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const cells: SourceCell[] = [];
  let current: SourceCell | null = null;
  lines.forEach((raw, i) => {
    const m = MARKER.exec(raw);
    if (m) {
      current = { kind: (m[1] as CellKind | undefined) ?? 'code', lines: [], line: i + 1 };
      cells.push(current);
      return;
    }
    if (!current) {
      if (raw.trim() === '') return;
      throw new Error(`${file}:${i + 1}: text before the first "// %%" cell marker`);
    }
    (current as SourceCell).lines.push(raw);
  });
  for (const c of cells) {
    while (c.lines.length && c.lines[c.lines.length - 1].trim() === '') c.lines.pop();
    while (c.lines.length && c.lines[0].trim() === '') c.lines.shift();
    if (c.kind === 'markdown') {
      const bad = c.lines.findIndex((l) => l !== '//' && !l.startsWith('// '));
      if (bad >= 0) throw new Error(`${file}: markdown cell at line ${c.line}: every line must start with "// " (line "${c.lines[bad]}")`);
    }
  }
  const exercises: string[] = [];
  for (const c of cells.filter((x) => x.kind === 'exercise')) {
    const body = c.lines.join('\n');
    const name = EXERCISE_NAME.exec(body)?.[1];
    if (!name) throw new Error(`${file}: exercise cell at line ${c.line} must declare "export function <name>(...)"`);
    if (!c.lines.some((l) => BEGIN.test(l)) || !c.lines.some((l) => END.test(l))) {
      throw new Error(`${file}: exercise "${name}" (line ${c.line}) needs a // BEGIN SOLUTION ... // END SOLUTION region`);
    }
    exercises.push(name);
  }
  return { id, file, cells, exercises };
}

/** Replaces every solution region by a stub that throws the error the checks recognise. */
export function stubbed(lines: string[], name: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const l of lines) {
    const b = BEGIN.exec(l);
    if (b) {
      inside = true;
      out.push(`${b[1]}// YOUR CODE HERE`, `${b[1]}throw new Error('not implemented yet: ${name}');`);
      continue;
    }
    if (END.test(l)) {
      inside = false;
      continue;
    }
    if (!inside) out.push(l);
  }
  return out;
}

export function solved(lines: string[]): string[] {
  return lines.filter((l) => !BEGIN.test(l) && !END.test(l));
}

const markdownText = (lines: string[]) => lines.map((l) => (l === '//' ? '' : l.slice(3)));

function exerciseName(c: SourceCell): string {
  return EXERCISE_NAME.exec(c.lines.join('\n'))![1];
}

function notebookCode(lines: string[]): string[] {
  // In a notebook cell the function is a plain declaration, visible to later cells.
  return lines.map((l) => l.replace(/^export (function|const|type|interface) /, '$1 '));
}

function toSource(lines: string[]): string[] {
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
}

export function buildNotebook(ch: Chapter, withSolutions: boolean): string {
  const cells: object[] = [];
  let n = 0;
  const id = () => `${ch.id.slice(0, 2)}-${String(n++).padStart(3, '0')}`;
  const code = (lines: string[]) => ({
    cell_type: 'code',
    execution_count: null,
    id: id(),
    metadata: {},
    outputs: [],
    source: toSource(lines),
  });
  for (const c of ch.cells) {
    if (c.kind === 'markdown') {
      cells.push({ cell_type: 'markdown', id: id(), metadata: {}, source: toSource(markdownText(c.lines)) });
    } else if (c.kind === 'exercise') {
      const name = exerciseName(c);
      cells.push(code(notebookCode(withSolutions ? solved(c.lines) : stubbed(c.lines, name))));
      cells.push(code([`dojo.grading.check.${name}(${name});`]));
    } else {
      cells.push(code(c.lines));
    }
  }
  const nb = {
    cells,
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: {
        codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
        file_extension: '.ts',
        mimetype: 'text/typescript',
        name: 'typescript',
        version: '5.6',
      },
      'gradient-dojo': { chapter: ch.id, generated_from: ch.file, solutions: withSolutions },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

function docHeader(ch: Chapter, kind: 'exercises' | 'solutions'): string[] {
  const title = markdownText(ch.cells.find((c) => c.kind === 'markdown')?.lines ?? [`// ${ch.id}`])[0].replace(/^#+\s*/, '');
  return kind === 'exercises'
    ? [
        `// Exercises of "${title}" (generated from chapters/${ch.id}.ts by scripts/build-chapters.ts).`,
        '// Replace each "throw new Error(\'not implemented yet ...\')" with your code, then run `npm run grade`.',
        `// The notebook notebooks/${ch.id}.ipynb explains every exercise.`,
      ]
    : [`// Solutions of "${title}" (generated from chapters/${ch.id}.ts by scripts/build-chapters.ts).`];
}

export function buildModule(ch: Chapter, kind: 'exercises' | 'solutions'): string {
  const out: string[] = docHeader(ch, kind);
  // The notebook's own imports minus the course library: exercises stand alone.
  const imports = ch.cells
    .filter((c) => c.kind === 'imports')
    .flatMap((c) => c.lines.filter((l) => /^import /.test(l) && !l.includes("'gradient-dojo'")));
  if (imports.length) out.push('', ...imports);
  for (const c of ch.cells.filter((x) => x.kind === 'exercise')) {
    out.push('', ...(kind === 'solutions' ? solved(c.lines) : stubbed(c.lines, exerciseName(c))));
  }
  return `${out.join('\n')}\n`;
}

export const root = resolve(__dirname, '..');

export function loadChapters(dir = join(root, 'chapters')): Chapter[] {
  return readdirSync(dir)
    .filter((f) => /^\d\d_[a-z0-9_]+\.ts$/.test(f))
    .sort()
    .map((f) => parseChapter(f.replace(/\.ts$/, ''), `chapters/${f}`, readFileSync(join(dir, f), 'utf8')));
}

/** The setup-check notebook's source: chapter cells without exercises. */
export const SETUP_SOURCE = 'chapters/setup/00_setup_check.ts';

export function loadSetupCheck(): Chapter {
  return parseChapter('00_setup_check', SETUP_SOURCE, readFileSync(join(root, SETUP_SOURCE), 'utf8'));
}

/** Every generated file (path relative to the project root) and its content. */
export function generatedFiles(chapters = loadChapters()): Map<string, string> {
  const files = new Map<string, string>();
  files.set('notebooks/00_setup_check.ipynb', buildNotebook(loadSetupCheck(), false));
  for (const ch of chapters) {
    files.set(`notebooks/${ch.id}.ipynb`, buildNotebook(ch, false));
    files.set(`solutions/${ch.id}.ipynb`, buildNotebook(ch, true));
    files.set(`exercises/${ch.id}.ts`, buildModule(ch, 'exercises'));
    files.set(`solutions/${ch.id}.ts`, buildModule(ch, 'solutions'));
  }
  return files;
}

export function staleFiles(files = generatedFiles()): string[] {
  return [...files].filter(([p, text]) => !existsSync(join(root, p)) || readFileSync(join(root, p), 'utf8') !== text).map(([p]) => p);
}

function main(): void {
  const check = process.argv.includes('--check');
  const files = generatedFiles();
  if (check) {
    const stale = staleFiles(files);
    if (stale.length) {
      console.error(`Stale or missing generated files (run: node --import tsx scripts/build-chapters.ts):\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`All ${files.size} generated chapter files are up to date.`);
    return;
  }
  for (const [p, text] of files) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  console.log(`Wrote ${files.size} files: the setup check and ${(files.size - 1) / 4} chapters.`);
}

if (require.main === module) main();
