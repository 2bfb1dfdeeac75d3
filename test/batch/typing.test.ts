/**
 * Misspelt type names and words for numbers do not compile where the catalogue knows the names
 * (Interface 1/2/3 signatures, the rating and confidence setters): each `@ts-expect-error` below
 * is checked by `npm run typecheck` (an unused one is an error there, so every line must fail to
 * compile). At run time, the same calls from an untyped caller throw a ValidationError naming the
 * field and rule, never a TypeError.
 */
import { describe, expect, it } from 'vitest';
import { Batch, type GroupTypeName, type IndicatorTypeName, type RatingInput } from '../../src/index.js';
import { thrown } from '../support/thrown.js';

/** The error `f` throws (fails the test when nothing is thrown). */

describe('misspelt names and bad values: compile errors, and ValidationErrors for untyped callers', () => {
  const batch = new Batch({ owner: 'MyOrg' });

  it('Interface 2: batch.group and batch.indicator take catalogue names only', () => {
    // @ts-expect-error 'Evnt' is not a group type
    expect(thrown(() => batch.group('Evnt', 'name')).field).toBe('type');
    // @ts-expect-error 'Adress' is not an indicator type
    expect(thrown(() => batch.indicator('Adress', '1.2.3.4')).field).toBe('type');
    const dynamic: string = 'Event';
    // @ts-expect-error a string of unknown content is not a type name (check it, or cast to GroupTypeName)
    batch.group(dynamic, 'from a string');
    expect(batch.group(dynamic as GroupTypeName, 'checked by the caller').type).toBe('Event');
    expect(batch.indicator('Address' satisfies IndicatorTypeName, '1.2.3.4').type).toBe('Address');
  });

  it('Interface 3: addGroup and addIndicator take objects whose type is a catalogue name', () => {
    // @ts-expect-error 'File Drop' is not a ThreatConnect group type (tcex playbook files use it)
    const e = thrown(() => batch.addGroup({ type: 'File Drop', name: 'x', xid: 'fd-1' }));
    expect([e.field, e.pointer, e.value]).toEqual(['type', '/type', 'File Drop']);
    // @ts-expect-error 'Hostname' is not an indicator type
    expect(thrown(() => batch.addIndicator({ type: 'Hostname', summary: 'a.example', xid: 'h-1' })).field).toBe('type');
    // @ts-expect-error an object without a type
    expect(thrown(() => batch.addIndicator({ summary: 'a.example', xid: 'h-2' })).field).toBe('type');
    expect(batch.addGroup({ type: 'Incident', name: 'i', xid: 'inc-1' }).type).toBe('Incident');
  });

  it("rating and confidence: a word does not compile ('high'); numeric strings do ('5.0')", () => {
    const host = batch.host('a.example');
    // @ts-expect-error a rating is a number or a numeric string
    expect(thrown(() => (host.rating = 'high')).code).toBe('TCB_INVALID_RATING');
    // @ts-expect-error a confidence is a number or a numeric string
    expect(thrown(() => (host.confidence = 'sure')).code).toBe('TCB_INVALID_CONFIDENCE');
    // @ts-expect-error Interface 1: rating as a word
    expect(thrown(() => batch.address('1.2.3.5', 'high')).field).toBe('rating');
    host.rating = '5.0';
    host.confidence = '80';
    expect([host.rating, host.confidence]).toEqual([5, 80]);
    const r: RatingInput = 2.5;
    expect(batch.address({ ip: '1.2.3.6', rating: r }).rating).toBe(2.5);
  });

  it('Interface 1 methods and their options: unknown fields and enum values do not compile', () => {
    // @ts-expect-error Event status is one of the catalogue's values
    expect(thrown(() => batch.event({ name: 'e', status: 'Done' })).field).toBe('status');
    // @ts-expect-error no such field on an Address
    expect(thrown(() => batch.address('1.2.3.7').addKeyValue('colour', 'red')).code).toBe('TCB_UNKNOWN_FIELD');
  });
});
