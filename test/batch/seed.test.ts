// The code examples of the seed documentation (seed-batch.md), ported to TypeScript, with their
// full expected JSON written out by hand from the rules (DESIGN.md §3, tc-batch-api.md §5).
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/index.js';

const ADVERSARY_XID = '2dcb052f3ed4acb0e87e9ca52b2aa7170d3534ad81cd5fec97362bc1015d3ba6'; // README: Design notes
const ADDRESS_XID = '4ce11aff4ace6231398c1783a8ee405c4f46840438bd35da53103c883e2561d2'; // README: Design notes

describe('seed: groups', () => {
  it('Interface 1: adversary with every metadata kind', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const adversary = batch.adversary('adversary-001', 'my-xid-000');
    adversary.attribute('Description', 'Example Description', true);
    adversary.tag('Example Tag');
    adversary.securityLabel('TLP Green');
    expect(adversary.toJSON()).toStrictEqual({
      name: 'adversary-001',
      type: 'Adversary',
      xid: 'my-xid-000',
      attribute: [{ type: 'Description', value: 'Example Description', displayed: true }],
      securityLabel: [{ name: 'TLP Green' }],
      tag: [{ name: 'Example Tag' }],
    });
  });

  it('Interface 1: default xid is sha256("Adversary-adversary-001")', () => {
    expect(new Batch().adversary('adversary-001').xid).toBe(ADVERSARY_XID);
  });

  it('Interface 1: document with setters, content kept out of the JSON', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const document = batch.document('document-001', 'example.txt');
    document.malware = true;
    document.password = 'test';
    document.fileContent = 'example file content';
    const attr = document.attribute('Description', 'Example Description');
    attr.displayed = true;
    document.tag('Example Tag');
    const label = document.securityLabel('My Label');
    label.color = 'ffffff';
    label.description = 'Security label description.';
    const xid = '0d8a243edb1d58a072c389c657489580606e5b7874b29286a9ed1fe48d6dff40'; // sha256("Document-document-001")
    expect(document.toJSON()).toStrictEqual({
      name: 'document-001',
      type: 'Document',
      xid,
      fileName: 'example.txt',
      malware: true,
      password: 'test',
      attribute: [{ type: 'Description', value: 'Example Description', displayed: true }],
      securityLabel: [{ name: 'My Label', description: 'Security label description.', color: 'ffffff' }],
      tag: [{ name: 'Example Tag' }],
    });
    const [chunk, ...rest] = [...batch.chunks()];
    expect(rest).toHaveLength(0);
    expect(chunk!.files).toStrictEqual([{ xid, type: 'Document', fileName: 'example.txt', content: 'example file content' }]);
    expect(chunk!.text).not.toContain('example file content');
  });

  it('Interface 2: event by type name with addKeyValue', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const event = batch.group('Event', 'event-001', 'my-xid-0001');
    event.addKeyValue('eventDate', '2017-03-03T18:00:00-06:00');
    event.addKeyValue('status', 'New');
    event.attribute('Description', 'Example Description 2', true, 'source');
    event.tag('Example Tag');
    expect(event.toJSON()).toStrictEqual({
      name: 'event-001',
      type: 'Event',
      xid: 'my-xid-0001',
      eventDate: '2017-03-04T00:00:00Z',
      status: 'New',
      attribute: [{ type: 'Description', value: 'Example Description 2', displayed: true, source: 'source' }],
      tag: [{ name: 'Example Tag' }],
    });
  });

  it('Interface 3: raw document, fileContent kept for upload', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    batch.addGroup({
      name: 'document-002',
      fileName: 'test2.txt',
      fileContent: 'example content 2',
      type: 'Document',
      xid: 'my-xid-002',
      associatedGroupXid: ['my-xid-001'],
      attribute: [{ displayed: true, type: 'Description', value: 'Example Description' }],
      tag: [{ name: 'SafeToDelete' }],
    });
    const [chunk] = [...batch.chunks()];
    expect(chunk!.content).toStrictEqual({
      group: [
        {
          name: 'document-002',
          fileName: 'test2.txt',
          type: 'Document',
          xid: 'my-xid-002',
          associatedGroupXid: ['my-xid-001'],
          attribute: [{ displayed: true, type: 'Description', value: 'Example Description' }],
          tag: [{ name: 'SafeToDelete' }],
        },
      ],
      indicator: [],
      association: [],
    });
    expect(chunk!.files).toStrictEqual([{ xid: 'my-xid-002', type: 'Document', fileName: 'test2.txt', content: 'example content 2' }]);
  });
});

describe('seed: indicators', () => {
  it('Interface 1: address with string rating and confidence', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const address = batch.address('123.124.125.126', '5.0', '100');
    address.attribute('Description', 'Example Description', true);
    address.tag('Example Tag');
    address.securityLabel('TLP Green');
    expect(address.toJSON()).toStrictEqual({
      summary: '123.124.125.126',
      type: 'Address',
      xid: ADDRESS_XID,
      rating: 5,
      confidence: 100,
      attribute: [{ type: 'Description', value: 'Example Description', displayed: true }],
      securityLabel: [{ name: 'TLP Green' }],
      tag: [{ name: 'Example Tag' }],
    });
  });

  it('Interface 1: file hash with setters and an occurrence', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const fileHash = batch.file('43c3609411c83f363e051d455ade78a6');
    fileHash.rating = 5.0;
    fileHash.confidence = 100;
    const attr = fileHash.attribute('Description', 'Example Description');
    attr.displayed = true;
    fileHash.tag('Example Tag');
    const label = fileHash.securityLabel('My Label');
    label.color = 'ffffff';
    label.description = 'Security label description.';
    const occurrence = fileHash.occurrence();
    occurrence.fileName = 'drop1.exe';
    occurrence.path = 'C:\\test\\';
    occurrence.date = '2017-02-02 01:02:03';
    const want = {
      summary: '43c3609411c83f363e051d455ade78a6',
      type: 'File',
      xid: '55ee19565db5b16a0f511791a3b2a7ef0ccddf4d9d64e7008561329419cb675b',
      rating: 5,
      confidence: 100,
      attribute: [{ type: 'Description', value: 'Example Description', displayed: true }],
      securityLabel: [{ name: 'My Label', description: 'Security label description.', color: 'ffffff' }],
      tag: [{ name: 'Example Tag' }],
      fileOccurrence: [{ fileName: 'drop1.exe', path: 'C:\\test\\', date: '2017-02-02T01:02:03Z' }],
    };
    expect(fileHash.toJSON()).toStrictEqual(want);
    // toJSON is pure: the reference appends the occurrences again on every call (tcex-batch.md §17 item 2).
    expect(fileHash.toJSON()).toStrictEqual(want);
    // the positional occurrence form gives the same
    const other = new Batch().file('43c3609411c83f363e051d455ade78a6');
    other.occurrence('drop1.exe', 'C:\\test\\', '2017-02-02 01:02:03');
    expect(other.toJSON().fileOccurrence).toStrictEqual(want.fileOccurrence);
  });

  it('Interface 2: host with dnsActive/whoisActive written as flag1/flag2', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const host = batch.indicator('Host', 'www.badguys2.com', '5.0', '100');
    host.addKeyValue('dnsActive', true);
    host.addKeyValue('whoisActive', true);
    host.attribute('Description', 'Example Description 2', true, 'source');
    host.tag('Example Tag');
    expect(host.toJSON()).toStrictEqual({
      summary: 'www.badguys2.com',
      type: 'Host',
      xid: '54f433dfd6c03aad31240b5e15a2d001cf079414582e1fd00c51568e2c6689dd',
      rating: 5,
      confidence: 100,
      flag1: true,
      flag2: true,
      attribute: [{ type: 'Description', value: 'Example Description 2', displayed: true, source: 'source' }],
      tag: [{ name: 'Example Tag' }],
    });
  });

  it('Interface 3 and associations: the seed JSON shapes', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const group = batch.adversary('adversary-001', 'my-xid-001');
    batch.addIndicator({
      associatedGroups: [{ groupXid: 'my-xid-001' }],
      summary: 'HKEY_LOCAL_MACHINE\\system : TRUE : REG_DWORD',
      type: 'Registry Key',
      xid: 'ba60d2d6-8049-4080-9c5c-2b33d8d97767',
    });
    batch.document('document-002', 'test2.txt', 'my-xid-002').association(group);
    const [chunk] = [...batch.chunks()];
    expect(chunk!.content).toStrictEqual({
      group: [
        { name: 'adversary-001', type: 'Adversary', xid: 'my-xid-001' },
        { name: 'document-002', type: 'Document', xid: 'my-xid-002', fileName: 'test2.txt', associatedGroupXid: ['my-xid-001'] },
      ],
      indicator: [
        {
          associatedGroups: [{ groupXid: 'my-xid-001' }],
          summary: 'HKEY_LOCAL_MACHINE\\system : TRUE : REG_DWORD',
          type: 'Registry Key',
          xid: 'ba60d2d6-8049-4080-9c5c-2b33d8d97767',
        },
      ],
      association: [],
    });
  });
});

describe('seed: job settings', () => {
  it('sends the reference defaults with string booleans and version V2', () => {
    expect(JSON.stringify(new Batch({ owner: 'MyOrg' }).settings)).toBe(
      '{"action":"Create","attributeWriteType":"Replace","haltOnError":"true","owner":"MyOrg","playbookTriggersEnabled":"false","securityLabelWriteType":"Replace","tagWriteType":"Replace","version":"V2"}',
    );
  });
  it('adds hashCollisionMode and fileMergeMode only when set', () => {
    const batch = new Batch({ owner: 'TCI', haltOnError: false, attributeWriteType: 'Append', hashCollisionMode: 'Split', fileMergeMode: 'Merge' });
    expect(batch.settings).toStrictEqual({
      action: 'Create',
      attributeWriteType: 'Append',
      haltOnError: 'false',
      owner: 'TCI',
      playbookTriggersEnabled: 'false',
      securityLabelWriteType: 'Replace',
      tagWriteType: 'Replace',
      version: 'V2',
      hashCollisionMode: 'Split',
      fileMergeMode: 'Merge',
    });
  });
  it('refuses a value outside its enum, naming the field', () => {
    const batch = new Batch({ owner: 'TCI', attributeWriteType: 'Merge' as never });
    expect(() => batch.settings).toThrowError(/attributeWriteType: attributeWriteType is Append, Replace, Singleton or Static/);
  });
});

describe('Interface 3 file content', () => {
  it('a group type without file content refuses it, the rule naming the types that take it (from the catalogue)', () => {
    const batch = new Batch({ owner: 'O' });
    let error: unknown;
    try {
      batch.addGroup({ type: 'Adversary', name: 'a', xid: 'adv-1', fileContent: 'text' } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'ValidationError', code: 'TCB_INVALID_VALUE', field: 'fileContent', rule: 'only Document and Report groups take file content' });
    expect(batch.size).toBe(0);
  });
});
