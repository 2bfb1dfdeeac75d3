/**
 * TypeScript types of catalogue fields in generated builders: what a setter takes and a getter
 * returns for each field kind. Shared by the builders of `generated/` and those `tcbatch codegen`
 * writes for custom types, so both type a field the same way.
 */

/** The part of a catalogue field that decides its TypeScript type. */
export interface TypedField {
  kind: string;
  enum?: readonly string[];
}

/** A setter's parameter type by field kind. */
export const SET_TYPES: Readonly<Record<string, string>> = {
  string: 'string',
  boolean: "boolean | 'true' | 'false'",
  integer: 'number',
  number: 'number',
  date: 'DateInput',
  rating: 'RatingInput',
  confidence: 'ConfidenceInput',
  fileContent: 'FileContent',
};

/** A getter's return type by field kind (values as the builder stores them). */
export const GET_TYPES: Readonly<Record<string, string>> = { ...SET_TYPES, boolean: 'boolean', date: 'string', rating: 'number', confidence: 'number' };

/** A string literal in TypeScript (JSON's double quotes; the in-repo output is re-laid out by prettier). */
export const lit = (v: string): string => JSON.stringify(v);

/** A string literal in TypeScript, single-quoted unless the text holds a `'` (code written without a formatter). */
export function quote(v: string): string {
  const json = JSON.stringify(v);
  return v.includes("'") ? json : `'${json.slice(1, -1).replace(/\\"/g, '"')}'`;
}

/** A property name in TypeScript: as is when an identifier, else quoted. */
export const prop = (v: string, q: (s: string) => string = lit): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(v) ? v : q(v));

/** The TypeScript type of a field: its enum's literals, else the table's type for its kind. */
export function typeOf(f: TypedField, table: Readonly<Record<string, string>>, q: (s: string) => string = lit): string {
  return f.enum ? f.enum.map(q).join(' | ') : table[f.kind]!;
}
