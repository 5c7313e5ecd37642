// The notebook kernel (tslab) compiles each cell on its own: a shorthand property `{ name }` in one cell
// does not find a `name` declared in an earlier cell (it fails at run time with "name is not defined").
// This reads every chapter's cells and fails on any such shorthand, so a cell that only runs at the
// `book` or `full` budget cannot hide one.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const chaptersDir = join(__dirname, '..', '..', 'chapters');

/** Splits a chapter source into its code cells (the text after each `// %%` marker, markdown cells dropped). */
export function codeCells(source: string): string[] {
  const cells: string[] = [];
  for (const part of source.split(/^\/\/ %%/m).slice(1)) {
    if (part.startsWith(' [markdown]')) continue;
    cells.push(part.slice(part.indexOf('\n') + 1));
  }
  return cells;
}

function topLevelNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const addBinding = (b: ts.BindingName) => {
    if (ts.isIdentifier(b)) names.add(b.text);
    else for (const el of b.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name);
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) addBinding(d.name);
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.add(st.name.text);
    else if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name)
      names.add(st.name.text);
    else if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      if (c.name) names.add(c.name.text);
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) names.add(nb.name.text);
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) names.add(el.name.text);
    }
  }
  return names;
}

/** Shorthand properties in `cells` that name a top-level declaration of an earlier cell: "cell N: { name }". */
export function crossCellShorthands(cells: string[]): string[] {
  const earlier = new Set<string>();
  const found: string[] = [];
  cells.forEach((code, i) => {
    const sf = ts.createSourceFile(`cell${i}.ts`, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const own = topLevelNames(sf);
    const visit = (node: ts.Node) => {
      if (ts.isShorthandPropertyAssignment(node)) {
        const name = node.name.text;
        if (earlier.has(name) && !own.has(name)) {
          const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          found.push(`code cell ${i + 1}, line ${line}: { ${name} } (write ${name}: ${name})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    for (const n of own) earlier.add(n);
  });
  return found;
}

test('the check finds a shorthand property naming an earlier cell declaration, and only that', () => {
  const cells = [
    'const parts = 1;\nconst a = { parts };',
    'const b = { parts, x: 1 };',
    'const parts = 2;\nconst c = { parts };',
    'f({ parts: parts });',
  ];
  assert.deepEqual(crossCellShorthands(cells), ['code cell 2, line 1: { parts } (write parts: parts)']);
});

test('no chapter cell uses a shorthand property for a name declared in an earlier cell (tslab cannot resolve it)', () => {
  const problems: string[] = [];
  const dirs = [chaptersDir, join(chaptersDir, 'setup')];
  for (const dir of dirs)
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.ts'))
      .sort())
      for (const p of crossCellShorthands(codeCells(readFileSync(join(dir, f), 'utf8')))) problems.push(`${f}: ${p}`);
  assert.deepEqual(problems, [], `shorthand properties the notebook kernel cannot resolve:\n${problems.join('\n')}`);
});
