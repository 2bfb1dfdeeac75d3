/**
 * The run-time type registry: `loadIndicatorTypes` (from a file, an answer, or a client against
 * the emulator) and `new Batch({ types })` with the custom types of the fixture answer
 * (`Cryptocurrency Wallet`: one value with the instance's regex; `Bank Account`: three values)
 * through Interfaces 1, 2 and 3, `validateBatchContent(data, { types })`, the stores, and the
 * emulator started with `indicatorTypes`. Exact JSON, xids and server state.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Batch,
  CompactStore,
  DiskStore,
  IndicatorTypesError,
  TcClient,
  ValidationError,
  defineIndicatorTypes,
  loadIndicatorTypes,
  validateBatchContent,
  type IndicatorTypeSet,
  type IndicatorBuilder,
  type IndicatorFields,
} from '../../src/index.js';
import { ACCESS_ID, SECRET_KEY, call as signedCall } from '../emulator/signer.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { indicatorTypes } from '../../generated/catalog.js';
import { thrownError as thrown } from '../support/thrown.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'indicator-types.json');
const WALLET = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh';
const ACCOUNT = '12345678 : 021000021 : Example Bank';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const BUILT_IN = Object.keys(indicatorTypes);
const ALL_NAMES = [...BUILT_IN, 'Bank Account', 'Cryptocurrency Wallet'].sort();

/** Thrown error of `f` (fails the test when nothing is thrown). */

/** Interface 1 method of a set made at run time (not typed: the set has no method types). */
const call = (batch: object, method: string, ...args: unknown[]) => (batch as Record<string, (...a: unknown[]) => IndicatorBuilder>)[method]!(...args);

let types: IndicatorTypeSet;
beforeAll(async () => {
  types = await loadIndicatorTypes(FIXTURE);
}, 30_000);

describe('loadIndicatorTypes', () => {
  it('registers the custom types of the answer only (built-ins listed in it are skipped)', () => {
    expect(Object.keys(types.indicators)).toEqual(['Bank Account', 'Cryptocurrency Wallet']);
    expect(types.indicators['Bank Account']!.info).toMatchObject({
      kind: 'indicator',
      type: 'Bank Account',
      method: 'bankAccount',
      className: 'BankAccount',
      apiBranch: 'bankAccounts',
      apiEntity: 'bankAccount',
      schema: 'custom/bankAccount.json',
      values: [
        { field: 'value1', label: 'Account Number', arg: 'accountNumber' },
        { field: 'value2', label: 'Routing Number', arg: 'routingNumber' },
        { field: 'value3', label: 'Bank Name', arg: 'bankName' },
      ],
      casePreference: 'upper',
      custom: true,
      partialValues: false,
      occurrences: false,
    });
    // the common indicator fields, without the type's own value slots
    const fields = Object.keys(types.indicators['Bank Account']!.info.fields);
    expect(fields).toContain('rating');
    expect(fields).toContain('threatAssessRating');
    expect(fields.filter((f) => /^value\d$/.test(f))).toEqual([]);
    expect(Object.keys(types.indicators['Cryptocurrency Wallet']!.info.fields).filter((f) => /^value\d$/.test(f))).toEqual(['value2', 'value3']);
    expect(types.indicators['Bank Account']!.builder.name).toBe('BankAccountBuilder');
    expect(types.indicators['Bank Account']!.entry).toEqual({
      name: 'Bank Account',
      custom: 'true',
      parsable: 'false',
      apiBranch: 'bankAccounts',
      apiEntity: 'bankAccount',
      casePreference: 'upper',
      value1Label: 'Account Number',
      value1Type: 'text',
      value2Label: 'Routing Number',
      value2Type: 'text',
      value3Label: 'Bank Name',
      value3Type: 'text',
    });
  });

  it('takes the parsed answer too; an answer without custom types gives an empty set', async () => {
    const answer = { status: 'Success', data: { indicatorType: [{ name: 'Phone Number', custom: true, value1Label: 'Number' }] } };
    expect(Object.keys((await loadIndicatorTypes(answer)).indicators)).toEqual(['Phone Number']);
    expect((await loadIndicatorTypes({ status: 'Success', data: { indicatorType: [] } })).indicators).toEqual({});
  });

  it('names clash-free methods and value accessors (a type named Submit, a label Type)', async () => {
    const answer = { status: 'Success', data: { indicatorType: [{ name: 'Submit', custom: 'true', value1Label: 'Type', value2Label: 'Rating' }] } };
    const set = await loadIndicatorTypes(answer);
    const info = set.indicators.Submit!.info;
    expect(info.method).toBe('submitIndicator');
    expect(info.values.map((v) => v.arg)).toEqual(['typeValue', 'ratingValue']);
    const batch = new Batch({ owner: 'o', types: set });
    const b = call(batch, 'submitIndicator', 'a', 'b', 4) as IndicatorBuilder & { typeValue: string; ratingValue: string };
    expect([b.typeValue, b.ratingValue, b.toJSON()]).toEqual(['a', 'b', { summary: 'a : b', type: 'Submit', xid: sha('Submit-a : b'), rating: 4 }]);
  });

  it('refuses what is not an indicatorTypes answer with IndicatorTypesError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-types-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{ not json');
      const cases: Array<[unknown, string]> = [
        [join(dir, 'missing.json'), `cannot read ${join(dir, 'missing.json')}: ENOENT`],
        [join(dir, 'bad.json'), `${join(dir, 'bad.json')} is not JSON: `],
        [{ status: 'Success', data: {} }, 'GET /v2/types/indicatorTypes answer: the answer has no data.indicatorType array'],
        [{ data: { indicatorType: [{ name: 'Blank', custom: true }] } }, 'GET /v2/types/indicatorTypes answer: custom indicator type "Blank" has no value1Label'],
      ];
      for (const [source, message] of cases) {
        const e = await loadIndicatorTypes(source as never).catch((x: unknown) => x as Error);
        expect(e).toBeInstanceOf(IndicatorTypesError);
        expect((e as IndicatorTypesError).code).toBe('TCB_INDICATOR_TYPES');
        expect((e as Error).message.startsWith(message)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('defineIndicatorTypes', () => {
  it('refuses a built-in name, a wrong info and a method used twice', () => {
    const bank = types.indicators['Bank Account']!;
    const renamed = { ...bank.info, method: 'address' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ Address: bank }, 'custom indicator type "Address": is a built-in type'],
      [{ 'Bank Acct': bank }, 'custom indicator type "Bank Acct": its info.type is "Bank Account"'],
      [{ 'Bank Account': { ...bank, info: { ...bank.info } } }, `custom indicator type "Bank Account": its builder's info is not the type's info`],
      [{ 'Bank Account': { ...bank, info: renamed, builder: Object.assign(class extends (bank.builder as new (...args: never[]) => object) {}, { info: renamed }) } }, 'custom indicator type "Bank Account": its method address() is already the method of Address'],
      [{ 'Bank Account': {} }, 'custom indicator type "Bank Account": needs info, builder and validate'],
    ];
    for (const [set, message] of cases) {
      const e = thrown(() => defineIndicatorTypes(set as never));
      expect(e).toBeInstanceOf(IndicatorTypesError);
      expect(e.message).toBe(message);
    }
  });
});

describe('Batch with custom types', () => {
  const xidBank = sha(`Bank Account-${ACCOUNT}`);
  const xidWallet = sha(`Cryptocurrency Wallet-${WALLET}`);
  const bankJson = { summary: ACCOUNT, type: 'Bank Account', xid: xidBank, rating: 3, confidence: 80 };

  it('Interface 1 (positional and options), 2 and 3 give the exact items and xids', () => {
    const b1 = new Batch({ owner: 'MyOrg', types });
    expect(call(b1, 'bankAccount', '12345678', '021000021', 'Example Bank', 3, 80).toJSON()).toEqual(bankJson);
    const b1o = new Batch({ owner: 'MyOrg', types });
    expect(call(b1o, 'bankAccount', { accountNumber: '12345678', routingNumber: '021000021', bankName: 'Example Bank', rating: '3', confidence: 80 }).toJSON()).toEqual(bankJson);
    const b2 = new Batch({ owner: 'MyOrg', types });
    const via2 = b2.indicator('Bank Account', ACCOUNT, 3, 80) as IndicatorBuilder & { routingNumber?: string };
    expect([via2.toJSON(), via2.routingNumber, via2.constructor.name]).toEqual([bankJson, '021000021', 'BankAccountBuilder']);
    const b3 = new Batch({ owner: 'MyOrg', types });
    expect(b3.addIndicator({ type: 'Bank Account', summary: ACCOUNT, xid: xidBank, rating: 3, confidence: 80 }).toJSON()).toEqual({ type: 'Bank Account', summary: ACCOUNT, xid: xidBank, rating: 3, confidence: 80 });
    const texts = [b1, b1o, b2].map((b) => [...b.chunks()].map((c) => c.text));
    expect(texts).toEqual(Array(3).fill([`{"group":[],"indicator":[${JSON.stringify(bankJson)}],"association":[]}`]));
  });

  it('the 1-value type: the instance regex is checked, the value is the summary', () => {
    const batch = new Batch({ owner: 'MyOrg', types });
    const w = call(batch, 'cryptocurrencyWallet', { walletAddress: WALLET, rating: 2 }) as IndicatorBuilder & { walletAddress: string };
    expect([w.walletAddress, w.toJSON()]).toEqual([WALLET, { summary: WALLET, type: 'Cryptocurrency Wallet', xid: xidWallet, rating: 2 }]);
    const e = thrown(() => call(batch, 'cryptocurrencyWallet', 'not-a-wallet')) as ValidationError;
    expect([e.constructor, e.field, e.rule, e.value]).toEqual([
      ValidationError,
      'summary',
      "a Cryptocurrency Wallet summary matches one of the instance's regexes for the type (GET /v2/types/indicatorTypes)",
      'not-a-wallet',
    ]);
    const raw = thrown(() => batch.addIndicator({ type: 'Cryptocurrency Wallet', summary: WALLET, xid: 'w', rating: 7 })) as ValidationError;
    expect([raw.field, raw.pointer, raw.value]).toEqual(['rating', '/rating', 7]);
  });

  it('unknown types are still refused, naming every accepted type; a batch without the set refuses the custom types', () => {
    const batch = new Batch({ owner: 'MyOrg', types });
    for (const f of [() => batch.indicator('Bank Acount' as never, 'x'), () => batch.addIndicator({ type: 'Bank Acount' as never, summary: 'x', xid: 'x' })]) {
      const e = thrown(f) as ValidationError;
      expect([e.constructor, e.field, e.rule, e.value]).toEqual([ValidationError, 'type', `an indicator type is one of ${ALL_NAMES.join(', ')} (ThreatConnect REST API: indicator types)`, 'Bank Acount']);
    }
    const plain = new Batch({ owner: 'MyOrg' });
    const e = thrown(() => plain.indicator('Bank Account' as never, ACCOUNT)) as ValidationError;
    expect([e.constructor, e.rule]).toEqual([ValidationError, `an indicator type is one of ${BUILT_IN.join(', ')} (ThreatConnect REST API: indicator types)`]);
    expect('bankAccount' in plain).toBe(false);
  });

  it('the compact store (window 1) and the disk store restore packed custom items with their class', () => {
    for (const store of [new CompactStore({ window: 1 }), new DiskStore({ cacheSize: 1 })]) {
      const batch = new Batch({ owner: 'MyOrg', types, store });
      call(batch, 'bankAccount', '12345678', '021000021', 'Example Bank', 3, 80);
      for (let i = 0; i < 50; i++) batch.address(`10.0.0.${i}`);
      const again = batch.indicator('Bank Account', ACCOUNT) as IndicatorFields & { bankName?: string };
      expect([again.constructor.name, again.bankName, again.toJSON()]).toEqual(['BankAccountBuilder', 'Example Bank', bankJson]);
      again.description = 'changed after packing';
      const text = [...batch.chunks()].map((c) => c.text).join('');
      expect(text).toContain(JSON.stringify({ ...bankJson, description: 'changed after packing' }));
      expect(batch.counts).toEqual({ groups: 0, indicators: 51, associations: 0 });
      batch.close();
    }
  });

  it('validateBatchContent(data, { types }) checks custom items by their schema, in document order', () => {
    const content = {
      group: [{ type: 'Adversary', name: 'a', xid: 'g1' }],
      indicator: [
        { type: 'Address', summary: '1.2.3.4', xid: 'i0' },
        { type: 'Bank Account', summary: 'x', xid: 'i1' },
        { type: 'Nope', summary: 'x' },
        { type: 'Address', summary: 'bad' },
        { type: 'Cryptocurrency Wallet', summary: WALLET, xid: 'i4', foo: 1 },
      ],
    };
    const r = validateBatchContent(content, { types });
    expect(r.valid).toBe(false);
    expect(r.issues.map((i) => [i.pointer, i.keyword, i.rule, i.value, i.item?.pointer])).toEqual([
      ['/indicator/1/summary', 'pattern', "a Bank Account summary joins Account Number, Routing Number, Bank Name with ' : ' (ThreatConnect V2 Batch API: indicator fields)", 'x', '/indicator/1'],
      ['/indicator/2', 'discriminator', `an indicator type is one of ${ALL_NAMES.join(', ')} (ThreatConnect REST API: indicator types)`, { type: 'Nope', summary: 'x' }, '/indicator/2'],
      ['/indicator/3/summary', 'format', 'an Address is a valid IPv4 (no leading zeros) or IPv6 address (ThreatConnect REST API: indicator types)', 'bad', '/indicator/3'],
      ['/indicator/4/foo', 'unevaluatedProperties', 'foo is not a field of this object in the Batch V2 format', 1, '/indicator/4'],
    ]);
    const good = { indicator: [content.indicator[0], { type: 'Bank Account', summary: ACCOUNT, xid: 'i1' }] };
    expect(validateBatchContent(good, { types })).toEqual({ valid: true, value: good, issues: [] });
    // without the set: the generated validator, which knows the built-in types only
    expect(validateBatchContent(good).issues.map((i) => [i.pointer, i.keyword])).toEqual([['/indicator/1', 'discriminator']]);
  });
});

describe('the emulator with indicatorTypes', () => {
  const CREDS = { accessId: ACCESS_ID, secretKey: SECRET_KEY };
  let emu: RunningEmulator;
  let client: TcClient;
  beforeAll(async () => {
    emu = await startEmulator({ credentials: [CREDS], owners: ['MyOrg'], indicatorTypes: types });
    client = new TcClient({ apiPath: emu.url, ...CREDS, owner: 'MyOrg', env: {}, sleep: async () => {} });
  });
  afterAll(() => emu?.close());

  it('lists the custom types as the answer gave them, and loadIndicatorTypes(client) registers them again', async () => {
    const answer = await client.indicatorTypes();
    const custom = answer.data.indicatorType.filter((t) => t.custom === 'true');
    expect(custom.map((t) => t.name)).toEqual(['Bank Account', 'Cryptocurrency Wallet']);
    expect(custom[1]!.regexes).toEqual(['^(?:bc1[02-9ac-hj-np-z]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|0x[0-9a-fA-F]{40})$']);
    expect(answer.data.resultCount).toBe(BUILT_IN.length + 2);
    const again = await loadIndicatorTypes(client);
    expect(Object.keys(again.indicators)).toEqual(['Bank Account', 'Cryptocurrency Wallet']);
    expect(again.indicators['Bank Account']!.info).toEqual(types.indicators['Bank Account']!.info);
  });

  it('a batch with custom indicators completes, and the server holds them', async () => {
    const batch = new Batch({ owner: 'MyOrg', client, types });
    call(batch, 'bankAccount', '12345678', '021000021', 'Example Bank', 3, 80).tag('finance');
    call(batch, 'cryptocurrencyWallet', WALLET);
    batch.addIndicator({ type: 'Bank Account', summary: '1 : 2 : 3', xid: 'raw-bank' });
    batch.address('10.1.2.3');
    const result = await batch.submit({ poll: { firstWait: 0, interval: 0, factor: 1, sleep: async () => {} } });
    expect(result.jobs.map((j) => [j.state, j.status?.successCount, j.status?.errorCount])).toEqual([['completed', 4, 0]]);
    const read = async (summary: string, type: string) => (await signedCall(emu.url, 'GET', `/v3/indicators/${encodeURIComponent(summary)}?owner=MyOrg&type=${encodeURIComponent(type)}`, undefined, { timestamp: Math.floor(Date.now() / 1000) })).json;
    expect(await read(ACCOUNT, 'Bank Account')).toMatchObject({ data: { type: 'Bank Account', summary: ACCOUNT.toUpperCase(), value1: '12345678', value2: '021000021', value3: 'EXAMPLE BANK', rating: 3, confidence: 80 } });
    expect(await read(WALLET, 'Cryptocurrency Wallet')).toMatchObject({ data: { type: 'Cryptocurrency Wallet', summary: WALLET } });
  });

  it('an emulator without the set reports the custom items invalid', async () => {
    const plain = await startEmulator({ credentials: [CREDS], owners: ['MyOrg'] });
    try {
      const c = new TcClient({ apiPath: plain.url, ...CREDS, owner: 'MyOrg', env: {}, sleep: async () => {} });
      const batch = new Batch({ owner: 'MyOrg', client: c, types });
      call(batch, 'bankAccount', '12345678', '021000021', 'Example Bank');
      const result = await batch.submit({ poll: { firstWait: 0, interval: 0, factor: 1, sleep: async () => {} } });
      expect(result.jobs.map((j) => [j.status?.successCount, j.status?.errorCount])).toEqual([[0, 1]]);
      expect(result.errors.map((e) => e.reason)).toEqual([
        "Error (0x1005): 12345678 : 021000021 : Example Bank is not valid. The indicator '12345678 : 021000021 : Example Bank' could not be processed as a valid Bank Account due to missing or invalid data ('Bank Account' is not an indicator type).",
      ]);
    } finally {
      await plain.close();
    }
  });
});
