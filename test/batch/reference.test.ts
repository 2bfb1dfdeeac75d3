// The reference client's worked examples (tcex-batch.md §4), equal after parsing except where
// DESIGN.md §3 says we differ, and one test per reference bug (tcex-batch.md §17) that applies to
// a builder, showing what we do instead.
import { describe, expect, it } from 'vitest';
import { Batch, generateXid, ValidationError, XidConflictError } from '../../src/index.js';

describe('tcex-batch.md §4 worked examples', () => {
  it('Address', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const a = batch.address('123.124.125.126', '5.0', '100', generateXid(['Address', '123.124.125.126']));
    a.attribute('Description', 'Example Description', true);
    a.tag('Example Tag');
    a.securityLabel('TLP:GREEN', 'green label', '00FF00');
    a.association('my-xid-001');
    expect(JSON.parse(JSON.stringify(a))).toStrictEqual(
      JSON.parse(
        '{"summary": "123.124.125.126", "type": "Address", "rating": 5.0, "confidence": 100, "xid": "83b149d033eddea7c6dce711489dc9954231262a4657364b21643a8f89515784", "associatedGroups": [{"groupXid": "my-xid-001"}], "attribute": [{"type": "Description", "displayed": true, "value": "Example Description"}], "securityLabel": [{"name": "TLP:GREEN", "description": "green label", "color": "00FF00"}], "tag": [{"name": "Example Tag"}]}',
      ),
    );
  });

  it('File', () => {
    const f = new Batch().file({ md5: '43c3609411c83f363e051d455ade78a6', xid: 'file-xid-1' });
    f.rating = 5.0;
    f.confidence = 100;
    const a = f.attribute('Source', 'Example Source');
    a.displayed = true;
    f.occurrence('drop1.exe', 'C:\\test\\', '2017-02-02 01:02:03');
    expect(JSON.parse(JSON.stringify(f))).toStrictEqual(
      JSON.parse(
        '{"summary": "43c3609411c83f363e051d455ade78a6", "type": "File", "xid": "file-xid-1", "rating": 5.0, "confidence": 100, "attribute": [{"type": "Source", "value": "Example Source", "displayed": true}], "fileOccurrence": [{"fileName": "drop1.exe", "path": "C:\\\\test\\\\", "date": "2017-02-02T01:02:03Z"}]}',
      ),
    );
  });

  it('Incident', () => {
    const i = new Batch().incident({ name: 'Example Incident', xid: 'inc-1', eventDate: '2017-02-02 01:02:03', status: 'Open', dateAdded: 1510686617 });
    i.attribute('Description', 'd', false, 's');
    expect(i.toJSON()).toStrictEqual(
      JSON.parse(
        '{"name": "Example Incident", "type": "Incident", "xid": "inc-1", "eventDate": "2017-02-02T01:02:03Z", "status": "Open", "dateAdded": "2017-11-14T19:10:17Z", "attribute": [{"type": "Description", "value": "d", "source": "s"}]}',
      ),
    );
  });

  it('Email', () => {
    const e = new Batch().email('em', 'subj', 'hdr', 'body', 'x');
    e.from = 'a@b.com';
    e.to = 'c@d.com';
    expect(JSON.parse(JSON.stringify(e))).toStrictEqual(
      JSON.parse('{"name": "em", "type": "Email", "xid": "x", "from": "a@b.com", "to": "c@d.com", "subject": "subj", "header": "hdr", "body": "body", "score": 0}'),
    );
  });
});

describe('tcex-batch.md §17: reference bugs we do not have', () => {
  it('1: custom indicator types work through Interface 1 (reference: TypeError)', () => {
    const h = new Batch().hashtag('#evil', undefined, undefined, 'xid-h');
    expect(h.toJSON()).toStrictEqual({ summary: '#evil', type: 'Hashtag', xid: 'xid-h' });
  });

  it('2: toJSON is pure (reference duplicates occurrences on every .data)', () => {
    const f = new Batch().file('d41d8cd98f00b204e9800998ecf8427e');
    f.occurrence('a.exe');
    f.toJSON();
    expect(f.toJSON().fileOccurrence).toStrictEqual([{ fileName: 'a.exe' }]);
  });

  it('5: document.fileContent set as a property is uploaded (reference: silently ignored)', () => {
    const batch = new Batch({ owner: 'o' });
    const d = batch.document('d', 'd.txt');
    d.fileContent = 'bytes';
    expect([...batch.chunks()][0]!.files[0]!.content).toBe('bytes');
  });

  it('5: status on a generic Interface 2 group is written (reference: Python attribute, never serialised)', () => {
    const e = new Batch().group('Event', 'e1', 'x');
    e.status = 'Escalated';
    expect(e.toJSON()).toStrictEqual({ name: 'e1', type: 'Event', xid: 'x', status: 'Escalated' });
  });

  it('6: getters read the right keys (reference: Event.event_date reads firstSeen, Email.from_addr reads to)', () => {
    const batch = new Batch();
    const e = batch.event('e', 'x1');
    e.firstSeen = '2020-01-01';
    e.eventDate = '2021-01-01';
    expect(e.eventDate).toBe('2021-01-01T00:00:00Z');
    const m = batch.email('m', 's', 'h', 'b', 'x2');
    m.from = 'a@b.com';
    m.to = 'c@d.com';
    expect(m.from).toBe('a@b.com');
  });

  it('7: no "store" key leaks into the JSON', () => {
    expect(Object.keys(new Batch().adversary('a', 'x').toJSON())).toStrictEqual(['name', 'type', 'xid']);
  });

  it('8: dates are converted to UTC (reference drops the offset)', () => {
    const e = new Batch().event('e', 'x');
    e.eventDate = '2017-03-03T18:00:00-06:00';
    expect(e.toJSON().eventDate).toBe('2017-03-04T00:00:00Z');
  });

  it('9: snake_case-like unknown keys are refused, not written raw', () => {
    const a = new Batch().address('1.2.3.4');
    expect(() => a.addKeyValue('first_seen' as never, '2020-01-01')).toThrowError(ValidationError);
    a.addKeyValue('firstSeen', '2020-01-01');
    expect(a.toJSON().firstSeen).toBe('2020-01-01T00:00:00Z');
  });

  it('11: tags dedupe on the name that is written; attributes dedupe on type and value', () => {
    const a = new Batch().address('1.2.3.4');
    a.tag('T1').tag('T1');
    const first = a.attribute('Description', 'x');
    expect(a.attribute('Description', 'x')).toBe(first);
    expect(a.toJSON().tag).toStrictEqual([{ name: 'T1' }]);
    expect(a.toJSON().attribute).toStrictEqual([{ type: 'Description', value: 'x' }]);
  });

  it('22: association order is insertion order, and A<->B equals B<->A', () => {
    const batch = new Batch({ owner: 'o' });
    batch.association({ ref_1: 'b.com', type_1: 'Host', ref_2: 'http://b.com', type_2: 'URL', associationType: 'URL Host' });
    batch.association({ ref_1: 'a.com', type_1: 'Host', ref_2: '1.2.3.4', type_2: 'Address', associationType: 'DNS PTR Record' });
    batch.association({ ref_2: 'b.com', type_2: 'Host', ref_1: 'http://b.com', type_1: 'URL', associationType: 'URL Host' });
    expect([...batch.chunks()][0]!.content.association).toStrictEqual([
      { ref_1: 'b.com', type_1: 'Host', ref_2: 'http://b.com', type_2: 'URL', associationType: 'URL Host' },
      { ref_1: 'a.com', type_1: 'Host', ref_2: '1.2.3.4', type_2: 'Address', associationType: 'DNS PTR Record' },
    ]);
  });

  it('23: File hashes set later extend the summary instead of adding raw keys', () => {
    const f = new Batch().file('d41d8cd98f00b204e9800998ecf8427e', undefined, undefined, undefined, undefined, 'f1');
    f.sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(f.toJSON()).toStrictEqual({
      summary: 'd41d8cd98f00b204e9800998ecf8427e : e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      type: 'File',
      xid: 'f1',
    });
  });
});

describe('xid and duplicates', () => {
  it('first write wins for the same xid; another type under it throws', () => {
    const batch = new Batch();
    const first = batch.address('1.2.3.4', 1, 10, 'x');
    const again = batch.address('1.2.3.4', 5, 100, 'x');
    expect(again).toBe(first);
    expect(again.toJSON().rating).toBe(1);
    expect(batch.size).toBe(1);
    expect(() => batch.host('example.com', undefined, undefined, 'x')).toThrowError(XidConflictError);
  });
  it('false gives a random uuid4 xid', () => {
    const x = new Batch().adversary('a', false).xid;
    expect(x).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('values are checked when added', () => {
  const batch = new Batch();
  it.each([
    ['rating 7', () => batch.address('1.2.3.4', 7), /rating is a number from 0 to 5/],
    ['confidence 50.5', () => batch.address('1.2.3.5', 1, 50.5), /confidence is an integer from 0 to 100/],
    ['leading zero', () => batch.address('1.2.3.04'), /Address 1.2.3.04|IPv4/],
    ['host underscore', () => batch.host('bad_host.com'), /RFC 1123/],
    ['asn', () => batch.asn('AS123'), /ASN/],
    ['hive', () => batch.registryKey('HKLM\\x', 'v', 'REG_SZ'), /hive/],
    ['event status', () => batch.event('e').addKeyValue('status', 'Done'), /Event status/],
    ['name 101', () => batch.adversary('x'.repeat(101)), /1 to 100 characters/],
    ['tag 129', () => batch.adversary('a').tag('t'.repeat(129)), /1 to 128 characters/],
    ['not a hash', () => batch.file('abc'), /a File summary is one to three hashes/],
    ['sha1 in the md5 slot', () => batch.file({ md5: 'a'.repeat(40) }), /md5 is 32 hex digits/],
  ])('%s', (_name, fn, re) => {
    expect(fn).toThrowError(ValidationError);
    expect(fn).toThrowError(re);
  });
  it('a malware document without password fails when chunked, naming the item', () => {
    const b = new Batch({ owner: 'o' });
    b.document('d', 'd.zip', 'doc-1').malware = true;
    expect(() => [...b.chunks()]).toThrowError(/Document "d" xid "doc-1".*password/);
  });
});

describe('Interface 2 summary splitting', () => {
  it('a Registry Key value name containing " : " round-trips', () => {
    const batch = new Batch();
    const a = batch.registryKey('HKEY_LOCAL_MACHINE\\a', 'b : c', 'REG_SZ', undefined, undefined, 'rk1');
    const b = new Batch().indicator('Registry Key', a.summary, undefined, undefined, 'rk1');
    expect(b.values).toStrictEqual(['HKEY_LOCAL_MACHINE\\a', 'b : c', 'REG_SZ']);
    expect(b.toJSON()).toStrictEqual(a.toJSON());
  });
});
