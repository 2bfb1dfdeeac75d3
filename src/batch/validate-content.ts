/**
 * `validateBatchContent` with custom indicator types: the generated validator of
 * `schemas/batch/content.json` knows the built-in types only, so the indicators of a custom type
 * are checked by their own validator and the rest of the content by the generated one; the
 * issues of both are given in document order with pointers into the whole content.
 */
import { validateBatchContent as validateBuiltIn } from '../../generated/validators/index.js';
import type { BatchContent } from '../../generated/types/index.js';
import { typeNameRule } from '../model/custom-types.js';
import type { ValidationIssue, ValidationResult } from '../model/validation.js';
import { typeLookup, type IndicatorTypeSet } from './types.js';

/** Options of {@link validateBatchContent}. */
export interface ContentValidationOptions {
  /** Custom indicator types accepted besides the built-in ones (from `tcbatch codegen` or `loadIndicatorTypes`). */
  types?: IndicatorTypeSet;
}

const SECTIONS = ['group', 'indicator', 'association'];

/** Sort key of an issue: section, then item index (issues of one item keep their order). */
function position(issue: ValidationIssue): [number, number] {
  const m = /^\/(group|indicator|association)(?:\/(\d+))?/.exec(issue.pointer);
  return m ? [SECTIONS.indexOf(m[1]!), m[2] === undefined ? -1 : Number(m[2])] : [-1, -1];
}

/**
 * Validate a Batch V2 content file (`{ group, indicator, association }`) against
 * `schemas/batch/content.json`, with the custom indicator types of `options.types` accepted as
 * indicators (each checked by its own schema). Without custom types this is the generated
 * validator. Every issue names its JSON pointer in `data`, the rule and the value.
 *
 * @returns `{ valid: true, value }` or `{ valid: false, issues }`; an unknown type is an issue
 *   whose rule lists every accepted type
 */
export function validateBatchContent(data: unknown, options: ContentValidationOptions = {}): ValidationResult<BatchContent> {
  const lookup = typeLookup(options.types);
  const indicators = (data as { indicator?: unknown } | null)?.indicator;
  if (!lookup.hasCustom || !Array.isArray(indicators)) return validateBuiltIn(data);
  const rest: unknown[] = [];
  const restIndex: number[] = [];
  const issues: ValidationIssue[] = [];
  indicators.forEach((item: unknown, i) => {
    const type = (item as { type?: unknown } | null)?.type;
    const custom = typeof type === 'string' && Object.hasOwn(lookup.custom, type) ? lookup.custom[type] : undefined;
    if (!custom) {
      rest.push(item);
      restIndex.push(i);
      return;
    }
    const r = custom.validate(item);
    if (r.valid) return;
    const prefix = `/indicator/${i}`;
    for (const issue of r.issues) {
      const moved: ValidationIssue = { ...issue, pointer: `${prefix}${issue.pointer}` };
      if (issue.item) moved.item = { ...issue.item, pointer: `${prefix}${issue.item.pointer}` };
      issues.push(moved);
    }
  });
  const builtIn = validateBuiltIn({ ...(data as Record<string, unknown>), indicator: rest });
  if (!builtIn.valid) {
    const back = (pointer: string) => pointer.replace(/^\/indicator\/(\d+)/, (_, j: string) => `/indicator/${restIndex[Number(j)]}`);
    for (const issue of builtIn.issues) {
      const moved: ValidationIssue = { ...issue, pointer: back(issue.pointer) };
      if (issue.item) moved.item = { ...issue.item, pointer: back(issue.item.pointer) };
      // the type union of the content schema names the built-in types; the accepted ones are more
      if (issue.keyword === 'discriminator' && /^\/indicator\/\d+$/.test(moved.pointer)) moved.rule = typeNameRule('indicator', lookup.names('indicator'));
      issues.push(moved);
    }
  }
  if (issues.length === 0) return { valid: true, value: data as BatchContent, issues: [] };
  const ordered = issues
    .map((issue, n) => ({ issue, n, at: position(issue) }))
    .sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1] || a.n - b.n)
    .map((x) => x.issue);
  return { valid: false, issues: ordered };
}
