// The layers: core (src/errors.ts, src/model/, src/emit/, the package root) -> generated/ -> facade
// (the rest of src/, with src/codegen/: `tcbatch codegen` in a user's project); codegen/ (the
// repository's generator) builds on the core only, so a broken generated/ never stops codegen. No import cycle anywhere; src/submit/ never imports src/batch/.
// Every relative import counts, type-only imports and re-exports included (TypeScript's own scanner).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative imports of every module under `dirs`, as paths from the repository root. */
function importGraph(dirs: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of dirs.flatMap((d) => sources(join(ROOT, d)))) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps: string[] = [];
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const base = resolve(dirname(file), fileName);
      const target = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p) && !p.endsWith('.d.ts'));
      deps.push(relative(ROOT, target ?? base.replace(/\.js$/, '.ts')));
    }
    graph.set(relative(ROOT, file), deps);
  }
  return graph;
}

/** The strongly connected components with more than one module (or a module importing itself). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

type Layer = 'core' | 'generated' | 'facade' | 'codegen';
/** Core modules outside src/model/: the errors, the output-file and TypeScript-type helpers codegen shares, the package root. */
const CORE_FILES = new Set(['src/errors.ts', 'src/package-root.ts', 'src/dialect.ts']);
const layerOf = (path: string): Layer =>
  CORE_FILES.has(path) || path.startsWith('src/model/') || path.startsWith('src/emit/') ? 'core' : path.startsWith('generated/') ? 'generated' : path.startsWith('codegen/') ? 'codegen' : 'facade';
const ALLOWED: Record<Layer, readonly Layer[]> = {
  core: ['core'],
  generated: ['core', 'generated'],
  facade: ['core', 'generated', 'facade'],
  codegen: ['core', 'codegen'],
};

const graph = importGraph(['src', 'generated', 'codegen']);

describe('layers', () => {
  it('finds cycles (a synthetic graph)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(cycles(g)).toStrictEqual([['a', 'b', 'c'], ['d']]);
  });

  it('reads the imports of every module', () => {
    expect(graph.get('src/model/builder.ts')).toContain('src/model/metadata.ts');
    expect(graph.get('generated/builders/index.ts')).toContain('src/model/builder.ts');
    expect(graph.size).toBeGreaterThan(100);
  });

  it('no import cycle in src/, generated/ or codegen/', () => {
    expect(cycles(graph)).toStrictEqual([]);
  });

  it('core imports only core; generated only core and generated; codegen only core and codegen', () => {
    const bad: string[] = [];
    for (const [from, deps] of graph) for (const to of deps) if (!ALLOWED[layerOf(from)].includes(layerOf(to))) bad.push(`${from} (${layerOf(from)}) -> ${to} (${layerOf(to)})`);
    expect(bad).toStrictEqual([]);
  });

  it('tcbatch submit does not load the importers of every format (src/importers/index.ts): the content importer only', () => {
    const reached = new Set<string>();
    const visit = (m: string) => {
      if (reached.has(m)) return;
      reached.add(m);
      for (const d of graph.get(m) ?? []) visit(d);
    };
    visit('src/cli/submit.ts');
    expect(reached.has('src/importers/content-file.ts')).toBe(true);
    expect([...reached].filter((m) => m === 'src/importers/index.ts' || m === 'src/cli/convert.ts')).toStrictEqual([]);
  });

  it('src/submit/ does not import src/batch/ (the Option 2 steps hand it plain data)', () => {
    const bad = [...graph].flatMap(([from, deps]) => (from.startsWith('src/submit/') ? deps.filter((d) => d.startsWith('src/batch/')).map((d) => `${from} -> ${d}`) : []));
    expect(bad).toStrictEqual([]);
  });
});
