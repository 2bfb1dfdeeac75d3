/**
 * tcbatch: the public API. Everything a user imports comes from here; nothing else is public.
 */
export * from '../generated/validators/index.js';
export type * from '../generated/types/index.js';
export { groupTypes, indicatorTypes, schemaHash, type GroupTypeName, type IndicatorTypeName } from '../generated/catalog.js';
export type {
  FieldInfo,
  FieldKind,
  GroupTypeInfo,
  IndicatorTypeInfo,
  TypeInfo,
  ValueInfo,
} from './model/catalog-types.js';
export { formatIssue, toIssues, runValidator } from './model/validation.js';
export type { ValidationIssue, ValidationResult, IssueItem, RawError, RawValidator } from './model/validation.js';
