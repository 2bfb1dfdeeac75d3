/**
 * `tcbatch validate FILE...`: check batch content files (JSON or NDJSON) with the generated
 * validators and print every issue with its JSON pointer, item and rule. Exit 1 when any item is
 * invalid, 2 when a file cannot be read or parsed.
 */
import type { Command } from 'commander';
import { groupValidators, indicatorValidators, validateAssociationEntry } from '../../generated/validators/index.js';
import { validateBatchContent } from '../batch/validate-content.js';
import type { IndicatorTypeSet } from '../batch/types.js';
import { formatIssue, type ValidationIssue, type ValidationResult } from '../model/validation.js';
import { readContentFile, ContentFileError } from '../importers/content-file.js';
import { EXIT } from './usage.js';
import { INDICATOR_TYPES_HELP, typesOption } from './types-option.js';

/** Result for one file. */
export interface FileValidation {
  file: string;
  valid: boolean;
  items: number;
  issues: Array<ValidationIssue & { source: string }>;
  error?: string;
}

type AnyValidator = (d: unknown) => ValidationResult<unknown>;

/**
 * Validate one file; never throws for bad content (only for unreadable files via `error`).
 * @param types custom indicator types accepted besides the built-in ones (`--indicator-types`)
 */
export function validateFile(file: string, types?: IndicatorTypeSet): FileValidation {
  const indicators: Record<string, AnyValidator> = { ...indicatorValidators };
  for (const [name, t] of Object.entries(types?.indicators ?? {})) indicators[name] = t.validate;
  try {
    const { items, content } = readContentFile(file);
    if (content) {
      const r = validateBatchContent(content, { types });
      return { file, valid: r.valid, items: items.length, issues: r.valid ? [] : r.issues.map((i) => ({ ...i, source: `${file}#${i.pointer}` })) };
    }
    const issues: FileValidation['issues'] = [];
    for (const item of items) {
      const type = item.data && typeof item.data === 'object' ? item.data.type : undefined;
      const map: Record<string, AnyValidator> = item.kind === 'group' ? groupValidators : indicators;
      const validate: AnyValidator | undefined = item.kind === 'association' ? validateAssociationEntry : typeof type === 'string' && Object.hasOwn(map, type) ? map[type] : undefined;
      if (!validate) {
        issues.push({ pointer: '/type', keyword: 'enum', rule: `a group or indicator type is one of ${[...Object.keys(groupValidators), ...Object.keys(indicators)].join(', ')}`, value: type, schemaPath: '#/type', source: item.source });
        continue;
      }
      const r = validate(item.data);
      if (!r.valid) issues.push(...r.issues.map((i) => ({ ...i, source: item.source })));
    }
    return { file, valid: issues.length === 0, items: items.length, issues };
  } catch (e) {
    if (e instanceof ContentFileError) return { file, valid: false, items: 0, issues: [], error: e.message };
    throw e;
  }
}

/** Register `validate` on the program. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check batch content files (JSON content, a JSON array, or NDJSON of groups/indicators) against the ThreatConnect rules')
    .argument('<files...>', 'files to check')
    .option('--json', 'print the results as JSON')
    .option('--indicator-types <file>', INDICATOR_TYPES_HELP)
    .addHelpText('after', '\nExit codes: 0 all valid, 1 some item invalid, 2 a file could not be read or parsed.')
    .action(async (files: string[], flags: { json?: boolean; indicatorTypes?: string }) => {
      const types = await typesOption(flags.indicatorTypes);
      const results = files.map((f) => validateFile(f, types));
      if (flags.json) process.stdout.write(`${JSON.stringify({ files: results }, null, 2)}\n`);
      else {
        for (const r of results) {
          if (r.error) process.stdout.write(`${r.error}\n`);
          else if (r.valid) process.stdout.write(`${r.file}: ${r.items} items, valid\n`);
          else {
            process.stdout.write(`${r.file}: ${r.items} items, ${r.issues.length} issue${r.issues.length === 1 ? '' : 's'}\n`);
            for (const i of r.issues) process.stdout.write(`  ${formatIssue(i)}\n`);
          }
        }
      }
      process.exitCode = results.some((r) => r.error) ? EXIT.usage : results.some((r) => !r.valid) ? EXIT.rejected : EXIT.ok;
    });
}
