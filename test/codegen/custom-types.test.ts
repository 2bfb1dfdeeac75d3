/**
 * `--indicator-types`: generate({ indicatorTypesFile }) with the fixture answer (two custom types,
 * 1-value `Cryptocurrency Wallet` with regexes and 3-value `Bank Account`) adds catalogue entries,
 * TS types and validators for them; the generated standalone validators are loaded from a temp dir.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../codegen/index.js';
import { customTypeSchemas } from '../../codegen/load.js';
import { runValidator, type RawValidator } from '../../src/model/validation.js';
import { outcome } from '../schemas/helpers.js';
import { ROOT, tempDir, typeBlock, writeAll } from './helpers.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'indicator-types.json');
const WALLET = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh';

type Catalog = typeof import('../../generated/catalog.js');

let withCustom: Promise<Map<string, string>> | undefined;
/** One generate() run with the fixture answer, shared by the describe blocks of this file. */
const generateWithCustom = () => (withCustom ??= generate({ indicatorTypesFile: FIXTURE }));

const standaloneDir = tempDir('custom');
afterAll(() => standaloneDir.cleanup());
let standalone: Promise<Record<string, RawValidator>> | undefined;
/** The generated standalone.js (self-contained ESM) written to a temp dir as .mjs and imported, once. */
const loadStandalone = (files: Map<string, string>) =>
  (standalone ??= (async () => {
    writeAll(new Map([['standalone.mjs', files.get('validators/standalone.js')!]]), standaloneDir.dir);
    return (await import(pathToFileURL(join(standaloneDir.dir, 'standalone.mjs')).href)) as Record<string, RawValidator>;
  })());

describe('custom indicator types', () => {
  const tmp = tempDir('custom');
  let files: Map<string, string>;
  let raw: Record<string, RawValidator>;
  let catalog: Catalog;

  beforeAll(async () => {
    files = await generateWithCustom();
    writeAll(files, tmp.dir);
    raw = await loadStandalone(files);
    catalog = (await import(pathToFileURL(join(tmp.dir, 'catalog.ts')).href)) as Catalog;
  }, 60_000);
  afterAll(() => tmp.cleanup());

  it('adds only the two custom types (built-ins in the answer are skipped)', () => {
    expect(Object.keys(catalog.indicatorTypes)).toEqual([
      'ASN',
      'Address',
      'Bank Account',
      'CIDR',
      'Cryptocurrency Wallet',
      'Email Subject',
      'EmailAddress',
      'File',
      'Hashtag',
      'Host',
      'Mutex',
      'Registry Key',
      'URL',
      'User Agent',
    ]);
    expect(Object.keys(catalog.groupTypes)).toHaveLength(16);
  });

  it('1-value type: names, value slot, metadata', () => {
    expect(catalog.indicatorTypes['Cryptocurrency Wallet' as keyof Catalog['indicatorTypes']]).toMatchObject({
      kind: 'indicator',
      type: 'Cryptocurrency Wallet',
      method: 'cryptocurrencyWallet',
      className: 'CryptocurrencyWallet',
      apiBranch: 'cryptocurrencyWallets',
      apiEntity: 'cryptocurrencyWallet',
      schema: 'custom/cryptocurrencyWallet.json',
      values: [{ field: 'value1', label: 'Wallet Address', arg: 'walletAddress' }],
      casePreference: 'sensitive',
      custom: true,
    });
  });

  it('3-value type: names, value slots in label order, metadata', () => {
    expect(catalog.indicatorTypes['Bank Account' as keyof Catalog['indicatorTypes']]).toMatchObject({
      type: 'Bank Account',
      method: 'bankAccount',
      className: 'BankAccount',
      apiBranch: 'bankAccounts',
      schema: 'custom/bankAccount.json',
      values: [
        { field: 'value1', label: 'Account Number', arg: 'accountNumber' },
        { field: 'value2', label: 'Routing Number', arg: 'routingNumber' },
        { field: 'value3', label: 'Bank Name', arg: 'bankName' },
      ],
      casePreference: 'upper',
      custom: true,
    });
  });

  it('emits TS types, typed validators and union members for both', () => {
    const types = files.get('types/index.ts')!;
    expect(typeBlock(types, 'BankAccount')).toBe(
      [
        'export type BankAccount = IndicatorBase & {',
        "  type: 'Bank Account';",
        '  summary?: string;',
        '  value1?: string;',
        '  value2?: string;',
        '  value3?: string;',
        '};',
      ].join('\n'),
    );
    expect(typeBlock(types, 'CryptocurrencyWallet')).toBe(
      [
        'export type CryptocurrencyWallet = IndicatorBase & {',
        "  type: 'Cryptocurrency Wallet';",
        '  summary?: string;',
        '  value1?: string;',
        '};',
      ].join('\n'),
    );
    expect(typeBlock(types, 'AnyIndicator')).toContain('| BankAccount\n');
    expect(typeBlock(types, 'AnyIndicator')).toContain('| CryptocurrencyWallet\n');
    const index = files.get('validators/index.ts')!;
    expect(index).toContain('export function validateCryptocurrencyWallet(data: unknown): ValidationResult<T.CryptocurrencyWallet> {');
    expect(index).toContain('export function validateBankAccount(data: unknown): ValidationResult<T.BankAccount> {');
    expect(index).toContain("  'Cryptocurrency Wallet': validateCryptocurrencyWallet,\n");
    expect(index).toContain("  'Bank Account': validateBankAccount,\n");
    expect(files.get('validators/standalone.d.ts')).toContain('export declare const validateBankAccount: RawValidator;');
  });

  it('leaves the built-in types as generated/ has them without the answer', () => {
    const onDisk = readFileSync(join(ROOT, 'generated', 'types', 'index.ts'), 'utf8');
    expect(onDisk).not.toContain('BankAccount');
    for (const name of ['Address', 'File', 'RegistryKey', 'IndicatorBase']) {
      expect(typeBlock(files.get('types/index.ts')!, name), name).toBe(typeBlock(onDisk, name));
    }
  });

  const walletRule = "a Cryptocurrency Wallet summary matches one of the instance's regexes for the type (GET /v2/types/indicatorTypes)";
  const bankSummaryRule = "a Bank Account summary joins Account Number, Routing Number, Bank Name with ' : ' (ThreatConnect V2 Batch API: indicator fields)";
  const rows: Array<[string, { validator: string; given: unknown; want: ReturnType<typeof outcome> }]> = [
    ['wallet by summary', { validator: 'validateCryptocurrencyWallet', given: { type: 'Cryptocurrency Wallet', summary: WALLET }, want: 'valid' }],
    ['wallet by value1', { validator: 'validateCryptocurrencyWallet', given: { type: 'Cryptocurrency Wallet', value1: WALLET, rating: 3 }, want: 'valid' }],
    [
      'wallet summary not matching the instance regex',
      {
        validator: 'validateCryptocurrencyWallet',
        given: { type: 'Cryptocurrency Wallet', summary: 'my wallet' },
        want: [{ pointer: '/summary', keyword: 'anyOf', rule: walletRule, value: 'my wallet' }],
      },
    ],
    [
      'wallet without a value',
      {
        validator: 'validateCryptocurrencyWallet',
        given: { type: 'Cryptocurrency Wallet' },
        want: [{ pointer: '', keyword: 'anyOf', rule: 'a Cryptocurrency Wallet needs its value in summary or in value1', value: { type: 'Cryptocurrency Wallet' } }],
      },
    ],
    [
      'wallet with the common indicator rules (rating)',
      {
        validator: 'validateCryptocurrencyWallet',
        given: { type: 'Cryptocurrency Wallet', value1: WALLET, rating: 6 },
        want: [{ pointer: '/rating', keyword: 'maximum', rule: 'rating is a number from 0 to 5 (ThreatConnect REST API: indicator types)', value: 6 }],
      },
    ],
    ['bank account by summary', { validator: 'validateBankAccount', given: { type: 'Bank Account', summary: '12345678 : 021000021 : ACME BANK' }, want: 'valid' }],
    [
      'bank account by value1..3',
      { validator: 'validateBankAccount', given: { type: 'Bank Account', value1: '12345678', value2: '021000021', value3: 'ACME BANK' }, want: 'valid' },
    ],
    [
      'bank account summary with one value',
      {
        validator: 'validateBankAccount',
        given: { type: 'Bank Account', summary: '12345678' },
        want: [{ pointer: '/summary', keyword: 'pattern', rule: bankSummaryRule, value: '12345678' }],
      },
    ],
    [
      'bank account with an empty value slot and a wrong type',
      {
        validator: 'validateBankAccount',
        given: { type: 'Bank Account', value1: '', value2: 7 },
        want: [
          { pointer: '/value2', keyword: 'type', rule: 'must be of type string,null', value: 7 },
          {
            pointer: '',
            keyword: 'anyOf',
            rule: 'a Bank Account needs its value in summary or in value1 and value2 and value3',
            value: { type: 'Bank Account', value1: '', value2: 7 },
          },
          { pointer: '/value1', keyword: 'minLength', rule: 'a Bank Account value is a non-empty string', value: '' },
          { pointer: '/value2', keyword: 'type', rule: 'a Bank Account value is a non-empty string', value: 7 },
        ],
      },
    ],
  ];
  it.each(rows)('%s', (_name, { validator, given, want }) => {
    const v = raw[validator];
    expect(v).toBeTypeOf('function');
    expect(outcome(runValidator(v!, given))).toEqual(want);
  });

  it('the content validator accepts custom indicators and still rejects unknown ones', () => {
    const content = {
      indicator: [
        { type: 'Cryptocurrency Wallet', summary: WALLET },
        { type: 'Bank Account', summary: '1 : 2 : 3' },
      ],
    };
    expect(outcome(runValidator(raw.validateBatchContent!, content))).toBe('valid');
    expect(outcome(runValidator(raw.validateBatchContent!, { indicator: [{ type: 'Phone Number', summary: '+1 555' }] }))).toEqual([
      {
        pointer: '/indicator/0',
        keyword: 'discriminator',
        rule: 'an indicator type is one of ASN, Address, Bank Account, CIDR, Cryptocurrency Wallet, Email Subject, EmailAddress, File, Hashtag, Host, Mutex, Registry Key, URL, User Agent (ThreatConnect REST API: indicator types)',
        value: { type: 'Phone Number', summary: '+1 555' },
      },
    ]);
  });
});

describe('customTypeSchemas', () => {
  const answer = (t: Record<string, unknown>) => ({ status: 'Success', data: { indicatorType: [t] } });
  it('skips types that are not custom or already known', () => {
    expect(customTypeSchemas(answer({ name: 'Phone', custom: 'false', value1Label: 'Number' }), new Set(), [])).toEqual([]);
    expect(customTypeSchemas(answer({ name: 'Host', custom: true, value1Label: 'Host Name' }), new Set(['Host']), [])).toEqual([]);
  });
  it('accepts custom as a boolean or the string "true"', () => {
    const paths = (c: unknown) => customTypeSchemas(answer({ name: 'Phone Number', custom: c, value1Label: 'Number' }), new Set(), []).map((f) => f.path);
    expect(paths(true)).toEqual(['custom/phoneNumber.json']);
    expect(paths('true')).toEqual(['custom/phoneNumber.json']);
  });
  it('rejects an answer without data.indicatorType and a custom type without labels', () => {
    expect(() => customTypeSchemas({ status: 'Success', data: {} }, new Set(), [])).toThrow('codegen: --indicator-types file has no data.indicatorType array');
    expect(() => customTypeSchemas(answer({ name: 'Blank', custom: 'true' }), new Set(), [])).toThrow('codegen: custom indicator type "Blank" has no value1Label');
  });
});

describe('regressions (codegen gaps found by this suite, fixed in 8f6909c)', () => {
  let files: Map<string, string>;
  beforeAll(async () => {
    files = await generateWithCustom();
  }, 60_000);
  // A string schema with `anyOf: [{ pattern }]` / `anyOf: [{ format }]` members once came out of
  // json-schema-to-typescript as `{ [k: string]: unknown } & string`, to which no string is
  // assignable (the custom type with regexes, and the built-in Address summary/ip).
  it('a custom type with regexes has summary?: string', () => {
    expect(typeBlock(files.get('types/index.ts')!, 'CryptocurrencyWallet')).toContain('\n  summary?: string;\n');
  });
  it('Address has summary?: string and ip?: string', () => {
    const block = typeBlock(files.get('types/index.ts')!, 'Address')!;
    expect(block).toContain('\n  summary?: string;\n');
    expect(block).toContain('\n  ip?: string;\n');
  });
  // The instance regexes once checked summary only; for a 1-value type value1 is the same value.
  it('a 1-value custom type checks value1 against the instance regexes too', async () => {
    const mod = await loadStandalone(files);
    const given = { type: 'Cryptocurrency Wallet', value1: 'my wallet' };
    expect(outcome(runValidator(mod.validateCryptocurrencyWallet!, given))).toEqual([
      {
        pointer: '/value1',
        keyword: 'anyOf',
        rule: "a Cryptocurrency Wallet summary matches one of the instance's regexes for the type (GET /v2/types/indicatorTypes)",
        value: 'my wallet',
      },
    ]);
  });
  it('a 3-value custom type needs all three value slots without a summary', async () => {
    const mod = await loadStandalone(files);
    const given = { type: 'Bank Account', value1: '12345678', value3: 'ACME BANK' };
    expect(outcome(runValidator(mod.validateBankAccount!, given))).toEqual([
      { pointer: '', keyword: 'anyOf', rule: 'a Bank Account needs its value in summary or in value1 and value2 and value3', value: given },
    ]);
  });
});
