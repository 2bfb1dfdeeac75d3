// The generated wire types are reachable under the `Wire` namespace, beside the hand-written
// exports of the same names (the classes Attribute, SecurityLabel, FileOccurrence; the catalogue's
// IndicatorTypeInfo) and without clashing with the DOM's File, Event and Document.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Attribute, Batch, validateAttribute, type IndicatorTypeInfo, type Wire } from '../../src/index.js';
import type * as Types from '../../generated/types/index.js';

describe('Wire namespace', () => {
  it('holds every generated wire type, including the names the hand-written exports use', () => {
    expectTypeOf<Wire.Attribute>().toEqualTypeOf<Types.Attribute>();
    expectTypeOf<Wire.SecurityLabel>().toEqualTypeOf<Types.SecurityLabel>();
    expectTypeOf<Wire.FileOccurrence>().toEqualTypeOf<Types.FileOccurrence>();
    expectTypeOf<Wire.IndicatorTypeInfo>().toEqualTypeOf<Types.IndicatorTypeInfo>();
    expectTypeOf<Wire.File>().toEqualTypeOf<Types.File>();
    expectTypeOf<Wire.Event>().toEqualTypeOf<Types.Event>();
    expectTypeOf<Wire.Document>().toEqualTypeOf<Types.Document>();
    expectTypeOf<Wire.BatchStatus>().toEqualTypeOf<Types.BatchStatus>();
    // the flat names stay the hand-written ones
    expectTypeOf<Attribute>().not.toEqualTypeOf<Wire.Attribute>();
    expectTypeOf<IndicatorTypeInfo>().not.toEqualTypeOf<Wire.IndicatorTypeInfo>();
  });

  it("a builder's wire JSON fits the Wire types", () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const attr = batch.host('example.com').attribute('Description', 'Example', true);
    const result = validateAttribute(attr.toJSON());
    expectTypeOf(result).extract<{ valid: true }>().toHaveProperty('value').toEqualTypeOf<Wire.Attribute>();
    expect(result).toStrictEqual({ valid: true, value: { type: 'Description', value: 'Example', displayed: true }, issues: [] });
    const event: Wire.Event = { type: 'Event', name: 'e1', xid: 'x-1', status: 'New' };
    expect(event.status).toBe('New');
  });
});
