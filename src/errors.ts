/**
 * Error classes of the tcbatch runtime. Every error has a stable string `code`; bad input errors
 * name the item (kind, type, xid or summary), the field and the rule it broke.
 * Partial failures of a submitted batch are data in the result, never exceptions.
 */

/** Base class: `code` is stable and machine-readable; `message` is for people. */
export class TcBatchError extends Error {
  /** Stable error code, e.g. `TCB_INVALID_VALUE`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Identifies the group or indicator an error is about. */
export interface ItemRef {
  kind: 'group' | 'indicator' | 'association';
  /** Wire type (`Address`, `Attack Pattern`). */
  type?: string;
  xid?: string;
  /** Indicator summary or group name. */
  summary?: string;
}

function describe(item: ItemRef | undefined): string {
  if (!item) return '';
  const id = item.xid ? ` xid ${safeJson(item.xid)}` : '';
  const s = item.summary !== undefined ? ` ${safeJson(item.summary)}` : '';
  return `${typeof item.type === 'string' ? item.type : item.type === undefined ? item.kind : safeJson(item.type)}${s}${id}`;
}

/**
 * A value broke a ThreatConnect rule (a bad IP, rating 7, an unknown Event status...).
 * Thrown by builders and by `Batch` when input is added; nothing is stored when it is thrown.
 */
export class ValidationError extends TcBatchError {
  /** The item, when known. */
  readonly item: ItemRef | undefined;
  /** API or wire name of the field (`rating`, `summary`, `eventDate`). */
  readonly field: string | undefined;
  /** The rule broken, with its source. */
  readonly rule: string;
  /** The offending value. */
  readonly value: unknown;
  /** JSON pointer of the value inside the item, when known. */
  readonly pointer: string | undefined;
  constructor(args: { item?: ItemRef; field?: string; rule: string; value?: unknown; pointer?: string; code?: string }) {
    const where = describe(args.item);
    const field = args.field ? ` ${args.field}` : '';
    const value = args.value === undefined ? '' : ` (got ${safeJson(args.value)})`;
    super(args.code ?? 'TCB_INVALID_VALUE', `${where}${field}: ${args.rule}${value}`.trim());
    this.item = args.item;
    this.field = args.field;
    this.rule = args.rule;
    this.value = args.value;
    this.pointer = args.pointer;
  }
}

/** Two items share an xid but have different types (tcex-batch.md §8: first write wins only for one type). */
export class XidConflictError extends TcBatchError {
  readonly xid: string;
  readonly existingType: string;
  readonly type: string;
  constructor(xid: string, existingType: string, type: string) {
    super('TCB_XID_CONFLICT', `xid ${safeJson(xid)} is already used by a ${printable(existingType)}; cannot add a ${printable(type)} with it`);
    this.xid = xid;
    this.existingType = existingType;
    this.type = type;
  }
}

/** JSON text of `v` for messages, at most 200 characters; never throws. */
export function safeJson(v: unknown): string {
  try {
    const s = typeof v === 'function' ? '[function]' : JSON.stringify(v);
    return s === undefined ? printable(v) : s.length > 200 ? `${s.slice(0, 200)}...` : s;
  } catch {
    return printable(v);
  }
}

/** `String(v)` that never throws (BigInt, Symbol, objects without a prototype or with a broken `toString`). */
export function printable(v: unknown): string {
  try {
    return typeof v === 'bigint' ? `${v}n` : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/**
 * Custom indicator types that cannot be used: a `GET /v2/types/indicatorTypes` answer that is not
 * one (no `data.indicatorType` array, a custom type without a value label), or a set whose types
 * clash with built-in types, with each other or with a member of `Batch`.
 */
export class IndicatorTypesError extends TcBatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TCB_INDICATOR_TYPES', message, options);
  }
}
