/**
 * The modules generated code imports, by name, and the import lines that reach them. Every
 * generated import of the runtime is written by {@link importLine}: no step types a path.
 *
 * Generated code may import only the core (`src/model/`, `src/errors.ts`) and other generated
 * files; `test/layers.test.ts` checks it.
 */
import { posix } from 'node:path';

/** Core modules (paths from the repository root) and generated ones (paths from `generated/`). */
export const MODULES = {
  'catalog-types': { core: 'src/model/catalog-types.js' },
  builder: { core: 'src/model/builder.js' },
  metadata: { core: 'src/model/metadata.js' },
  dates: { core: 'src/model/dates.js' },
  values: { core: 'src/model/values.js' },
  validation: { core: 'src/model/validation.js' },
  catalog: { generated: 'catalog.js' },
  types: { generated: 'types/index.js' },
  validators: { generated: 'validators/index.js' },
} as const;

/** A module of {@link MODULES}. */
export type ModuleName = keyof typeof MODULES;

/**
 * The specifier of `module` as written in the generated file `from` (a path under `generated/`).
 * Generated files are written to `generated/` or to a folder beside `src/` (`--out`), so core
 * modules are reached through `../` from the output folder.
 */
export function specifier(from: string, module: ModuleName): string {
  const target: { core?: string; generated?: string } = MODULES[module];
  const dir = posix.dirname(posix.join('generated', from));
  const path = target.core ?? posix.join('generated', target.generated!);
  const rel = posix.relative(dir, path);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * One import line: `import { a, type b } from '<specifier>';`. Names starting with `type ` are
 * type-only; `typeOnly` makes the whole import type-only.
 */
export function importLine(from: string, module: ModuleName, names: readonly string[], typeOnly = false): string {
  return `import ${typeOnly ? 'type ' : ''}{ ${names.join(', ')} } from '${specifier(from, module)}';`;
}

/** `import type * as <alias> from '<specifier>';`. */
export function importNamespace(from: string, module: ModuleName, alias: string): string {
  return `import type * as ${alias} from '${specifier(from, module)}';`;
}
