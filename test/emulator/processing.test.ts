// Job processing with ThreatConnect's semantics, written from tc-batch-api.md §4–§8.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { NOW_ISO } from './signer.js';
import { OTHER, OWNER, errorsOf, readGroup, readIndicator, runJob, start } from './harness.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.close());

const attrs = async (summary: string, type: string) => (await readIndicator(emu.url, summary, type)).json.data.attributes.data;

describe('identity and upsert (§8)', () => {
  it('a group is upserted by owner + xid: a second Create overwrites name and fields', async () => {
    await runJob(emu.url, { group: [{ type: 'Incident', xid: 'up-1', name: 'first', eventDate: '2024-08-04T00:00:00Z', status: 'New' }] });
    await runJob(emu.url, { group: [{ type: 'Incident', xid: 'up-1', name: 'second', status: 'Open' }] });
    const g = (await readGroup(emu.url, 'up-1')).json;
    expect(g).toEqual({
      data: {
        id: g.data.id,
        xid: 'up-1',
        type: 'Incident',
        name: 'second',
        ownerName: OWNER,
        dateAdded: NOW_ISO,
        lastModified: NOW_ISO,
        eventDate: '2024-08-04T00:00:00Z',
        status: 'Open',
        attributes: { data: [] },
        tags: { data: [] },
        securityLabels: { data: [] },
        associatedGroups: { data: [] },
        associatedIndicators: { data: [] },
      },
      status: 'Success',
    });
  });

  it('indicators are unique by type + value normalised per casePreference (Host and EmailAddress lower, Mutex case-sensitive)', async () => {
    const { status } = await runJob(emu.url, {
      indicator: [
        { type: 'Host', summary: 'Case.Example.COM', rating: 1 },
        { type: 'Host', hostName: 'case.example.com', rating: 2 },
        { type: 'EmailAddress', summary: 'Bad.Guy@Example.com' },
        { type: 'EmailAddress', address: 'bad.guy@example.com' },
        { type: 'Mutex', summary: 'Global\\Abc' },
        { type: 'Mutex', summary: 'Global\\abc' },
      ],
    });
    expect(status).toMatchObject({ successCount: 6, errorCount: 0 });
    const host = (await readIndicator(emu.url, 'CASE.example.com', 'Host')).json.data;
    expect(host).toMatchObject({ type: 'Host', summary: 'case.example.com', hostName: 'case.example.com', rating: 2 });
    expect((await readIndicator(emu.url, 'BAD.GUY@example.com', 'EmailAddress')).json.data.summary).toBe('bad.guy@example.com');
    const a = (await readIndicator(emu.url, 'Global\\Abc', 'Mutex')).json.data;
    const b = (await readIndicator(emu.url, 'Global\\abc', 'Mutex')).json.data;
    expect(a.id).not.toBe(b.id);
  });

  it('multi-value summaries split on " : " (Registry Key)', async () => {
    await runJob(emu.url, { indicator: [{ type: 'Registry Key', summary: 'HKEY_LOCAL_MACHINE\\system : TRUE : REG_DWORD' }] });
    const r = (await readIndicator(emu.url, 'HKEY_LOCAL_MACHINE\\system : TRUE : REG_DWORD', 'Registry Key')).json.data;
    expect(r).toMatchObject({ summary: 'HKEY_LOCAL_MACHINE\\system : TRUE : REG_DWORD', 'Key Name': 'HKEY_LOCAL_MACHINE\\system', 'Value Name': 'TRUE', 'Value Type': 'REG_DWORD' });
  });

  it('unknown keys are ignored, not rejected (§5.1 tolerated extras)', async () => {
    const { status } = await runJob(emu.url, { indicator: [{ type: 'URL', summary: 'http://extra.example.com/x', somethingNew: 1 }] });
    expect(status).toMatchObject({ successCount: 1, errorCount: 0 });
  });

  it('V1 content: a bare array of indicators (§5.5)', async () => {
    const { status } = await runJob(emu.url, [{ type: 'Address', summary: '192.0.2.10', rating: 3 }], { version: 'V1' });
    expect(status).toMatchObject({ successCount: 1, successIndicatorCount: 1 });
  });
});

describe('attributeWriteType (§4)', () => {
  const seed = (summary: string) =>
    runJob(emu.url, { indicator: [{ type: 'Host', summary, attribute: [{ type: 'Description', value: 'd1' }, { type: 'Source', value: 's1' }] }] });
  const again = (summary: string, mode: string) =>
    runJob(emu.url, { indicator: [{ type: 'Host', summary, attribute: [{ type: 'Description', value: 'd2' }] }] }, { attributeWriteType: mode });

  it('Append adds without de-duplication', async () => {
    await seed('append.example.com');
    await again('append.example.com', 'Append');
    await again('append.example.com', 'Append');
    expect(await attrs('append.example.com', 'Host')).toEqual([
      { type: 'Description', value: 'd1' },
      { type: 'Source', value: 's1' },
      { type: 'Description', value: 'd2' },
      { type: 'Description', value: 'd2' },
    ]);
  });

  it('Replace replaces every attribute', async () => {
    await seed('replace.example.com');
    await again('replace.example.com', 'Replace');
    expect(await attrs('replace.example.com', 'Host')).toEqual([{ type: 'Description', value: 'd2' }]);
  });

  it('Singleton replaces only attributes of the incoming types', async () => {
    await seed('singleton.example.com');
    await again('singleton.example.com', 'Singleton');
    expect(await attrs('singleton.example.com', 'Host')).toEqual([
      { type: 'Source', value: 's1' },
      { type: 'Description', value: 'd2' },
    ]);
  });

  it('Static ignores incoming attributes on an existing item', async () => {
    await seed('static.example.com');
    await again('static.example.com', 'Static');
    expect(await attrs('static.example.com', 'Host')).toEqual([
      { type: 'Description', value: 'd1' },
      { type: 'Source', value: 's1' },
    ]);
  });
});

describe('tagWriteType and securityLabelWriteType (§4; default Replace)', () => {
  it('Append keeps existing tags and labels; Replace (and the default) drops those not sent', async () => {
    const xid = 'tags-1';
    await runJob(emu.url, { group: [{ type: 'Adversary', xid, name: 'a', tag: [{ name: 'one' }], securityLabel: [{ name: 'TLP:AMBER' }] }] });
    await runJob(emu.url, { group: [{ type: 'Adversary', xid, name: 'a', tag: [{ name: 'two' }], securityLabel: [{ name: 'TLP:GREEN' }] }] }, { tagWriteType: 'Append', securityLabelWriteType: 'Append' });
    let g = (await readGroup(emu.url, xid)).json.data;
    expect(g.tags.data).toEqual([{ name: 'one' }, { name: 'two' }]);
    expect(g.securityLabels.data).toEqual([{ name: 'TLP:AMBER' }, { name: 'TLP:GREEN' }]);
    await runJob(emu.url, { group: [{ type: 'Adversary', xid, name: 'a', tag: [{ name: 'three' }], securityLabel: [{ name: 'TLP:RED' }] }] });
    g = (await readGroup(emu.url, xid)).json.data;
    expect(g.tags.data).toEqual([{ name: 'three' }]);
    expect(g.securityLabels.data).toEqual([{ name: 'TLP:RED' }]);
  });
});

describe('File hash merging (§4 fileMergeMode/hashCollisionMode, §8)', () => {
  const md5 = 'a'.repeat(32);
  const sha1 = 'b'.repeat(40);
  const sha256 = 'c'.repeat(64);

  it('hashes sent separately merge into one File (superset), upper-cased', async () => {
    await runJob(emu.url, { indicator: [{ type: 'File', md5, tag: [{ name: 'first' }] }] });
    await runJob(emu.url, { indicator: [{ type: 'File', md5, sha256, tag: [{ name: 'second' }] }] }, { tagWriteType: 'Append' });
    const f = (await readIndicator(emu.url, sha256, 'File')).json.data;
    expect(f).toMatchObject({ summary: `${md5.toUpperCase()} : ${sha256.toUpperCase()}`, md5: md5.toUpperCase(), sha256: sha256.toUpperCase() });
    expect(f.tags.data).toEqual([{ name: 'first' }, { name: 'second' }]);
    expect((await readIndicator(emu.url, md5, 'File')).json.data.id).toBe(f.id);
  });

  it('Merge folds two existing Files matched by one incoming item into the most recently modified one', async () => {
    const m = '1'.repeat(32);
    const s1 = '2'.repeat(40);
    await runJob(emu.url, { indicator: [{ type: 'File', md5: m, attribute: [{ type: 'Description', value: 'old' }] }] });
    await runJob(emu.url, { indicator: [{ type: 'File', sha1: s1, attribute: [{ type: 'Description', value: 'new' }] }] });
    const newer = (await readIndicator(emu.url, s1, 'File')).json.data.id;
    await runJob(emu.url, { indicator: [{ type: 'File', summary: `${m} : ${s1}` }] }, { fileMergeMode: 'Merge' });
    const f = (await readIndicator(emu.url, m, 'File')).json.data;
    expect(f.id).toBe(newer);
    expect(f.summary).toBe(`${m} : ${s1}`);
    expect(f.attributes.data.map((a: { value: string }) => a.value).sort()).toEqual(['new', 'old']);
  });

  it('Distribute updates each match without merging', async () => {
    const m = '3'.repeat(32);
    const s1 = '4'.repeat(40);
    await runJob(emu.url, { indicator: [{ type: 'File', md5: m }, { type: 'File', sha1: s1 }] });
    await runJob(emu.url, { indicator: [{ type: 'File', md5: m, sha1: s1, tag: [{ name: 'both' }] }] }, { fileMergeMode: 'Distribute' });
    const a = (await readIndicator(emu.url, m, 'File')).json.data;
    const b = (await readIndicator(emu.url, s1, 'File')).json.data;
    expect(a.id).not.toBe(b.id);
    expect(a.tags.data).toEqual([{ name: 'both' }]);
    expect(b.tags.data).toEqual([{ name: 'both' }]);
  });

  it('collision (same md5, different sha1): FavorIncoming overwrites, FavorExisting keeps, IgnoreIncoming skips', async () => {
    const run = async (m: string, mode: string) => {
      await runJob(emu.url, { indicator: [{ type: 'File', md5: m, sha1: '5'.repeat(40), rating: 1 }] });
      await runJob(emu.url, { indicator: [{ type: 'File', md5: m, sha1: '6'.repeat(40), rating: 4 }] }, { hashCollisionMode: mode });
      return (await readIndicator(emu.url, m, 'File')).json.data;
    };
    expect(await run('7'.repeat(32), 'FavorIncoming')).toMatchObject({ sha1: '6'.repeat(40), rating: 4 });
    const kept = await run('8'.repeat(32), 'FavorExisting');
    expect(kept).toMatchObject({ sha1: '5'.repeat(40), rating: 4 });
    const skipped = await run('9'.repeat(32), 'IgnoreIncoming');
    expect(skipped).toMatchObject({ sha1: '5'.repeat(40), rating: 1 });
  });
});

describe('associations (§5.2, §5.3, §8)', () => {
  it('associatedGroupXid, associatedGroups, associatedIndicators and association[] resolve in the file', async () => {
    const { status } = await runJob(emu.url, {
      group: [
        { type: 'Incident', xid: 'as-inc', name: 'inc', associatedGroupXid: ['as-sig'], associatedIndicators: [{ summary: '71.6.135.131', indicatorType: 'Address' }] },
        { type: 'Signature', xid: 'as-sig', name: 'sig', fileName: 'r.yar', fileType: 'YARA', fileText: 'rule a { condition: true }' },
      ],
      indicator: [
        { type: 'Host', summary: 'badguyz.com', associatedGroups: [{ groupXid: 'as-inc' }] },
        { type: 'URL', summary: 'http://www.badguyz.com' },
        { type: 'Address', summary: '71.6.135.131' },
      ],
      association: [
        { ref_1: 'badguyz.com', type_1: 'Host', ref_2: 'http://www.badguyz.com', type_2: 'URL', associationType: 'URL Host' },
        { ref_1: 'as-sig', ref_2: 'http://www.badguyz.com', type_2: 'URL' },
      ],
    });
    expect(status).toMatchObject({ successCount: 5, errorCount: 0, successAssociationCount: 5, errorAssociationCount: 0 });
    const inc = (await readGroup(emu.url, 'as-inc')).json.data;
    expect(inc.associatedGroups.data).toEqual([{ id: expect.any(Number), xid: 'as-sig', type: 'Signature', name: 'sig' }]);
    expect(inc.associatedIndicators.data.map((i: { summary: string }) => i.summary).sort()).toEqual(['71.6.135.131', 'badguyz.com']);
    const url = (await readIndicator(emu.url, 'http://www.badguyz.com', 'URL')).json.data;
    expect(url.associatedIndicators.data).toEqual([{ id: expect.any(Number), type: 'Host', summary: 'badguyz.com', associationType: 'URL Host' }]);
    expect(url.associatedGroups.data).toEqual([{ id: expect.any(Number), xid: 'as-sig', type: 'Signature', name: 'sig' }]);
  });

  it('references resolve in the owner (an earlier job) and by id_n', async () => {
    await runJob(emu.url, { group: [{ type: 'Threat', xid: 'as-old', name: 'old threat' }] });
    const id = (await readGroup(emu.url, 'as-old')).json.data.id;
    const { status } = await runJob(emu.url, {
      indicator: [{ type: 'Host', summary: 'later.example.com', associatedGroups: [{ groupXid: 'as-old' }] }],
      association: [{ id_1: id, ref_2: 'later.example.com', type_2: 'Host' }],
    });
    expect(status).toMatchObject({ errorCount: 0, successAssociationCount: 2 });
    expect((await readIndicator(emu.url, 'later.example.com', 'Host')).json.data.associatedGroups.data).toEqual([{ id, xid: 'as-old', type: 'Threat', name: 'old threat' }]);
  });

  it('0x1009 for a reference found neither in the file nor in the owner (never cross-owner)', async () => {
    await runJob(emu.url, { group: [{ type: 'Threat', xid: 'other-owner-threat', name: 't' }] }, { owner: OTHER });
    const { id, status } = await runJob(emu.url, {
      indicator: [{ type: 'Host', summary: 'orphan.example.com', associatedGroups: [{ groupXid: 'other-owner-threat' }] }],
      association: [{ ref_1: 'orphan.example.com', type_1: 'Host', ref_2: 'nowhere.example.com', type_2: 'Host', associationType: 'x' }],
    });
    expect(status).toMatchObject({ successCount: 1, errorCount: 2, successAssociationCount: 0, errorAssociationCount: 2 });
    expect((await errorsOf(emu.url, id)).map((e) => e.errorReason)).toEqual([
      "Error (0x1009): The association between 'orphan.example.com' and 'other-owner-threat' could not be created: 'other-owner-threat' was not found in the file or in owner 'MyOrg'.",
      "Error (0x1009): The association between 'orphan.example.com' and 'nowhere.example.com' could not be created: 'nowhere.example.com' was not found in the file or in owner 'MyOrg'.",
    ]);
  });

  it('0x1009 for indicator <-> indicator without associationType', async () => {
    const { id } = await runJob(emu.url, {
      indicator: [{ type: 'Host', summary: 'i1.example.com' }, { type: 'Host', summary: 'i2.example.com' }],
      association: [{ ref_1: 'i1.example.com', type_1: 'Host', ref_2: 'i2.example.com', type_2: 'Host' }],
    });
    expect((await errorsOf(emu.url, id)).map((e) => e.errorReason)).toEqual([
      "Error (0x1009): The association between 'i1.example.com' and 'i2.example.com' could not be created: associationType is required between two indicators.",
    ]);
  });
});

describe('action Delete (§4, §8)', () => {
  it('deletes matching groups and indicators in the owner; 0x1007 for what is not there', async () => {
    await runJob(emu.url, { group: [{ type: 'Adversary', xid: 'del-1', name: 'gone' }], indicator: [{ type: 'Host', summary: 'del.example.com', associatedGroups: [{ groupXid: 'del-1' }] }] });
    const { id, status } = await runJob(
      emu.url,
      { group: [{ type: 'Adversary', xid: 'del-1', name: 'gone' }], indicator: [{ type: 'Host', summary: 'DEL.example.com' }, { type: 'Host', summary: 'never.example.com' }] },
      { action: 'Delete' },
    );
    expect(status).toMatchObject({ successCount: 2, errorCount: 1, unprocessCount: 0 });
    expect((await readGroup(emu.url, 'del-1')).status).toBe(404);
    expect((await readIndicator(emu.url, 'del.example.com', 'Host')).status).toBe(404);
    expect((await errorsOf(emu.url, id)).map((e) => e.errorReason)).toEqual(["Error (0x1007): The indicator 'never.example.com' was not found in owner 'MyOrg'."]);
  });
});

describe('errors and haltOnError (§6, §7)', () => {
  it('0x1005 names the indicator summary; 0x1006 names the group name and xid', async () => {
    const { id, status } = await runJob(emu.url, {
      group: [{ type: 'Adversary', xid: 'bad-group-xid', name: 'x'.repeat(101) }, { type: 'Nonsense', xid: 'ng', name: 'ng' }],
      indicator: [{ type: 'Host', summary: 'm_lena.matroschka.pl' }],
    });
    expect(status).toMatchObject({ successCount: 0, errorCount: 3, errorGroupCount: 2, errorIndicatorCount: 1, unprocessCount: 0 });
    const reasons = (await errorsOf(emu.url, id)).map((e) => e.errorReason);
    expect(reasons[0]).toMatch(new RegExp(`^Error \\(0x1006\\): ${'x'.repeat(101)} is not valid\\. The group '${'x'.repeat(101)}' \\(xid 'bad-group-xid'\\) could not be processed as a valid Adversary due to missing or invalid data \\(`));
    expect(reasons[1]).toBe("Error (0x1006): ng is not valid. The group 'ng' (xid 'ng') could not be processed as a valid Nonsense due to missing or invalid data ('Nonsense' is not a group type).");
    expect(reasons[2]).toMatch(/^Error \(0x1005\): m_lena\.matroschka\.pl is not valid\. The indicator 'm_lena\.matroschka\.pl' could not be processed as a valid Host due to missing or invalid data \(/);
  });

  it('haltOnError stops at the first error: status Completed, unprocessCount set', async () => {
    const { id, status } = await runJob(
      emu.url,
      { group: [{ type: 'Adversary', xid: 'halt-ok', name: 'ok' }], indicator: [{ type: 'Host', summary: 'bad_one' }, { type: 'Host', summary: 'halt1.example.com' }, { type: 'Host', summary: 'halt2.example.com' }], association: [{ ref_1: 'halt-ok', ref_2: 'halt1.example.com', type_2: 'Host' }] },
      { haltOnError: true },
    );
    expect(status).toEqual({
      id,
      status: 'Completed',
      errorCount: 1,
      successCount: 1,
      unprocessCount: 3,
      successIndicatorCount: 0,
      errorIndicatorCount: 1,
      successGroupCount: 1,
      errorGroupCount: 0,
      successAssociationCount: 0,
      errorAssociationCount: 0,
    });
    expect((await readIndicator(emu.url, 'halt1.example.com', 'Host')).status).toBe(404);
  });

  it('haltOnError false records every bad item and goes on', async () => {
    const { status } = await runJob(emu.url, { indicator: [{ type: 'Host', summary: 'bad_two' }, { type: 'Host', summary: 'goes-on.example.com' }] });
    expect(status).toMatchObject({ errorCount: 1, successCount: 1, unprocessCount: 0 });
  });

  it('invalid JSON: 0x1003 "Encountered an unexpected Exception while processing batch job", unprocessCount 0', async () => {
    const { id, status } = await runJob(emu.url, '{"indicator": [', { haltOnError: true });
    expect(status).toMatchObject({ status: 'Completed', errorCount: 1, successCount: 0, unprocessCount: 0 });
    const [e] = await errorsOf(emu.url, id);
    expect(e!.errorReason).toBe(
      'Error (0x1003): Encountered an unexpected Exception while processing batch job. com.google.gson.JsonSyntaxException: com.google.gson.stream.MalformedJsonException: Unexpected end of JSON input',
    );
  });

  it('an unparseable date is 0x1003 with the JSON path, and stops the job', async () => {
    const { id, status } = await runJob(emu.url, {
      group: [{ type: 'Adversary', xid: 'd-0', name: 'ok' }, { type: 'Event', xid: 'd-1', name: 'bad date', eventDate: 'last tuesday' }, { type: 'Adversary', xid: 'd-2', name: 'after' }],
    });
    expect(status).toMatchObject({ successCount: 1, errorCount: 1, unprocessCount: 1 });
    expect((await errorsOf(emu.url, id))[0]!.errorReason).toBe(
      "Error (0x1003): Encountered an unexpected Exception while processing batch job. Last known JSON path: '$.group[1]': Last processed group[1] 'd-1'. com.google.gson.JsonSyntaxException: Unparseable date: \"last tuesday\"",
    );
  });

  it('a value of the wrong JSON shape is 0x1003', async () => {
    const { id } = await runJob(emu.url, { group: [{ type: 'Adversary', xid: 'shape', name: { not: 'a string' } }] });
    expect((await errorsOf(emu.url, id))[0]!.errorReason).toMatch(/^Error \(0x1003\): Encountered an unexpected Exception while processing batch job\. Last known JSON path: '\$\.group\[0\]'/);
  });
});
