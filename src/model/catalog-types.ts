/**
 * Shapes of the generated type catalogue (`generated/catalog.ts`): the per-type metadata the
 * runtime reads instead of listing ThreatConnect types by hand. The data comes from the schemas'
 * `x-tc` keywords and properties (see `codegen/catalog.ts`).
 */

/** How a field's value is parsed and written. */
export type FieldKind = 'string' | 'boolean' | 'integer' | 'number' | 'date' | 'rating' | 'confidence' | 'fileContent';

/** One settable field of a group or indicator type. */
export interface FieldInfo {
  /** Key in the batch JSON (`flag1`, `eventDate`). */
  readonly wire: string;
  /** Name in the TypeScript API (`dnsActive`, `eventDate`): `x-tc-name`, else the wire name. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Allowed values, when the schema has an enum. */
  readonly enum?: readonly string[];
  /** Accepted by the server but not documented for this type (tcex or export extras). */
  readonly tolerated?: boolean;
  /** The field is only used client-side and never written into the batch JSON. */
  readonly clientOnly?: boolean;
  /** The schema's rule text for the field (`x-tc-rule`, or that of the definition it refers to), with its source. */
  readonly rule?: string;
  /** Numbers: the schema's `minimum`. */
  readonly minimum?: number;
  /** Numbers: the schema's `maximum`. */
  readonly maximum?: number;
  /** Numbers: the schema's type is `integer`. */
  readonly integer?: boolean;
}

/** One value slot of an indicator type. */
export interface ValueInfo {
  /** Wire field of the value (`ip`, `Key Name`). */
  readonly field: string;
  /** TC's value label (`value1Label`). */
  readonly label: string;
  /** Argument / property name in the TypeScript API. */
  readonly arg: string;
  /** Fixed length of the value (File hashes: 32, 40, 64): tells which slot a summary part fills. */
  readonly length?: number;
}

/** Metadata common to group and indicator types. */
interface TypeInfoBase {
  /** Wire `type` string. */
  readonly type: string;
  /** Interface 1 method on `Batch`. */
  readonly method: string;
  /** Builder class name. */
  readonly className: string;
  /** v2 API branch (`documents`, `addresses`). */
  readonly apiBranch: string;
  readonly apiEntity: string;
  /** Settable fields by API name. */
  readonly fields: Readonly<Record<string, FieldInfo>>;
  /** Path of the schema under `schemas/`. */
  readonly schema: string;
}

/** Metadata of a group type. */
export interface GroupTypeInfo extends TypeInfoBase {
  readonly kind: 'group';
  /** Type-specific positional arguments after `name`, in TcEx's order (API names). */
  readonly args: readonly string[];
  /** Document/Report: content is uploaded after the job completes. */
  readonly fileContent: boolean;
  /** Wire values written by default (Email `score: 0`). */
  readonly defaults: Readonly<Record<string, unknown>>;
}

/** Metadata of an indicator type. */
export interface IndicatorTypeInfo extends TypeInfoBase {
  readonly kind: 'indicator';
  /** Value slots, in summary order (joined with `' : '`). */
  readonly values: readonly ValueInfo[];
  /** TC casePreference: `lower`, `upper` or `sensitive`. */
  readonly casePreference: string;
  /** Made from an instance's indicatorTypes answer. */
  readonly custom: boolean;
  /**
   * The value slots are alternative identities of one item (File hashes): any non-empty subset is
   * a valid indicator, and each slot alone identifies it (`fileMergeMode`, ThreatConnect V2 Batch API).
   */
  readonly partialValues: boolean;
  /** The type takes file occurrences (`fileOccurrence[]`, File). */
  readonly occurrences: boolean;
}

export type TypeInfo = GroupTypeInfo | IndicatorTypeInfo;

/**
 * A type's `x-tc` block in its schema, as codegen reads it: the part of {@link TypeInfo} that is
 * written by hand (codegen derives the fields, the schema path and the flags it leaves out).
 */
export type TypeMeta = Pick<TypeInfo, 'kind' | 'type' | 'method' | 'className' | 'apiBranch' | 'apiEntity'> &
  Partial<Pick<GroupTypeInfo, 'fileContent' | 'defaults'>> &
  Partial<Pick<IndicatorTypeInfo, 'partialValues' | 'casePreference' | 'custom'>> & {
    /** Groups: type-specific positional arguments after `name`, in TcEx's order (wire names). */
    args?: string[];
    /** Indicators: value slots in order; the summary joins them with `' : '`. */
    values?: ValueInfo[];
  };

/** The metadata objects of an item (attributes, security labels, tags, file occurrences). */
export type MetadataKind = 'attribute' | 'securityLabel' | 'tag' | 'fileOccurrence';

/** A metadata object's `x-tc-builder` block: its builder arguments and the fields that identify it. */
export interface MetadataInfo {
  /** Positional arguments of the builder method, in order. */
  readonly args: readonly string[];
  /** Fields that make two objects the same one on an item (a second add returns the first); none: never merged. */
  readonly key?: readonly string[];
}

/** What a `BatchStatus` count counts (`x-tc-count` of `schemas/batch/batch-status.json`). */
export interface StatusCountInfo {
  /** `all` for the totals, else the kind of item. */
  readonly items: 'all' | 'group' | 'indicator' | 'association';
  readonly outcome: 'success' | 'error' | 'unprocessed';
}

/** Separator of multi-value summaries (ThreatConnect V2 Batch API: indicator fields; TcEx `build_summary`). */
export const SUMMARY_SEPARATOR = ' : ';
