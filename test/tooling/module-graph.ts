/**
 * The module graph of lib/, read from the source with the TypeScript parser: every static import and
 * re-export, `import x = require()`, `require()`, `require.resolve()`, `import()`, `import('...')` types, and
 * `new Worker(path)`; a path written as `join(__dirname, 'a', 'b')` is resolved. Loads whose path is only known
 * at run time, and string literals that name a lib/ module file (a path handed to some loader), are listed too.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../lib/util/paths';

export const root = projectRoot();

export type EdgeKind = 'import' | 'import type' | 'require' | 'import()' | 'worker' | 'require.resolve';

export interface Edge {
  from: string; // project-relative path, e.g. lib/envs/atari.ts
  to: string;
  kind: EdgeKind;
  line: number;
}

export interface DynamicLoad {
  file: string;
  line: number;
  /** The call as written, e.g. `require(isAbsolute(spec.module) ? ... )`. */
  text: string;
}

export interface PathLiteral {
  file: string;
  line: number;
  /** The module the literal names (project-relative). */
  names: string;
}

export interface ModuleGraph {
  files: string[];
  edges: Edge[];
  dynamicLoads: DynamicLoad[];
  pathLiterals: PathLiteral[];
}

const SOURCE = /\.(ts|js|cjs|mjs)$/;
const rel = (p: string) => relative(root, p).split(sep).join('/');

function listSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listSources(p, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The file a relative specifier names, as Node and tsx resolve it, or null (a package, or missing). */
function resolveModule(fromFile: string, spec: string): string | null {
  if (spec === 'gradient-dojo') return join(root, 'lib', 'index.ts');
  if (!spec.startsWith('.') && !spec.startsWith('/')) return null;
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base, `${base}.ts`, `${base}.js`, `${base}.cjs`, join(base, 'index.ts'), join(base, 'index.js')];
  if (/\.js$/.test(base)) candidates.push(base.replace(/\.js$/, '.ts'));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** `join(__dirname, 'a', 'b')` / `resolve(__dirname, ...)` / `__dirname + '/a'` with literal parts -> the path; else null. */
function staticPath(node: ts.Expression, file: string): string | null {
  if (ts.isStringLiteralLike(node)) return node.text.startsWith('.') ? resolve(dirname(file), node.text) : null;
  if (ts.isIdentifier(node) && node.text === '__filename') return file;
  if (ts.isIdentifier(node) && node.text === '__dirname') return dirname(file);
  if (ts.isCallExpression(node)) {
    const callee = node.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if ((name === 'join' || name === 'resolve') && node.arguments.length > 0) {
      const [first, ...rest] = node.arguments;
      if (!ts.isIdentifier(first) || first.text !== '__dirname') return null;
      if (!rest.every(ts.isStringLiteralLike)) return null;
      return join(dirname(file), ...rest.map((a) => (a as ts.StringLiteralLike).text));
    }
  }
  return null;
}

/** For a computed `join(__dirname, 'commands', name)`: the folder it stays in (the last argument varies). */
function staticFolder(node: ts.Expression, file: string): string | null {
  if (!ts.isCallExpression(node) || node.arguments.length < 2) return null;
  const callee = node.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  if (name !== 'join' && name !== 'resolve') return null;
  const [first, ...rest] = node.arguments;
  const fixed = rest.slice(0, -1);
  if (!ts.isIdentifier(first) || first.text !== '__dirname' || !fixed.every(ts.isStringLiteralLike)) return null;
  return join(dirname(file), ...fixed.map((a) => (a as ts.StringLiteralLike).text));
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const b = clause.namedBindings;
  return !!b && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
}

const LIB_PATH = /^(?:\.\/)?(lib\/[\w./-]+\.(?:ts|js|cjs|mjs))$/;

export function moduleGraph(): ModuleGraph {
  const files = listSources(join(root, 'lib'));
  const graph: ModuleGraph = { files: files.map(rel), edges: [], dynamicLoads: [], pathLiterals: [] };
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
    const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const specifiers = new Set<ts.Node>();
    const edge = (node: ts.Node, target: string | null, kind: EdgeKind) => {
      if (!target) return;
      const to = existsSync(target) && statSync(target).isFile() ? target : resolveModule(file, `./${relative(dirname(file), target)}`);
      if (to) graph.edges.push({ from: rel(file), to: rel(to), kind, line: lineOf(node) });
    };
    const load = (node: ts.CallExpression | ts.NewExpression, kind: EdgeKind) => {
      const arg = node.arguments?.[0];
      if (!arg) return;
      specifiers.add(arg);
      if (ts.isStringLiteralLike(arg)) {
        edge(node, resolveModule(file, arg.text), kind);
        return;
      }
      const p = staticPath(arg, file);
      if (p) return edge(node, p, kind);
      const folder = staticFolder(arg, file);
      if (folder && existsSync(folder)) {
        for (const f of listSources(folder)) edge(node, f, kind);
        return;
      }
      graph.dynamicLoads.push({ file: rel(file), line: lineOf(node), text: node.getText(sf).replace(/\s+/g, ' ').slice(0, 120) });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        specifiers.add(node.moduleSpecifier);
        edge(node, resolveModule(file, node.moduleSpecifier.text), isTypeOnlyImport(node) ? 'import type' : 'import');
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        specifiers.add(node.moduleSpecifier);
        edge(node, resolveModule(file, node.moduleSpecifier.text), node.isTypeOnly ? 'import type' : 'import');
      } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
        const e = node.moduleReference.expression;
        specifiers.add(e);
        if (ts.isStringLiteral(e)) edge(node, resolveModule(file, e.text), node.isTypeOnly ? 'import type' : 'require');
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        specifiers.add(node.argument.literal);
        edge(node, resolveModule(file, node.argument.literal.text), 'import type');
      } else if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (callee.kind === ts.SyntaxKind.ImportKeyword) load(node, 'import()');
        else if (ts.isIdentifier(callee) && callee.text === 'require') load(node, 'require');
        else if (
          ts.isPropertyAccessExpression(callee) &&
          ts.isIdentifier(callee.expression) &&
          callee.expression.text === 'require' &&
          callee.name.text === 'resolve'
        ) {
          load(node, 'require.resolve');
        }
      } else if (ts.isNewExpression(node) && /(^|\.)Worker$/.test(node.expression.getText(sf))) {
        load(node, 'worker');
      } else if (ts.isStringLiteralLike(node) && !specifiers.has(node)) {
        const m = LIB_PATH.exec(node.text);
        if (m && existsSync(join(root, m[1]))) graph.pathLiterals.push({ file: rel(file), line: lineOf(node), names: m[1] });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return graph;
}

/** The layer of a lib/ module: its folder under lib/ (lib/index.* is 'index', the package's front door). */
export function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1] : 'index';
}

/** Every cycle among the given edges, each listed once as a path a -> b -> ... -> a (Tarjan's components, then one cycle each). */
export function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    if (!next.get(e.from)!.includes(e.to)) next.get(e.from)!.push(e.to);
  }
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const strong = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (next.get(v) ?? []).includes(v)) components.push(comp.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) strong(v);
  // One shortest cycle through each component's first module, by breadth-first search inside the component.
  return components.map((comp) => {
    const inside = new Set(comp);
    const start = comp[0];
    const prev = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of next.get(v) ?? []) {
        if (!inside.has(w)) continue;
        if (w === start) {
          const path = [start];
          for (let u = v; u !== start; u = prev.get(u)!) path.splice(1, 0, u);
          return [...path, start];
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...comp, comp[0]];
  });
}
