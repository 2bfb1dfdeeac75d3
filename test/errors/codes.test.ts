// Error codes: one union type (`ErrorCode`) listing every code the sources use, and one base class
// (`TcBatchError`) that every error class extends.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as main from '../../src/index.js';
import * as emulator from '../../src/emulator/index.js';
import * as importers from '../../src/importers/index.js';
import { ERROR_CODES, ERROR_CODE_INFO, TcBatchError, isErrorCode } from '../../src/index.js';

const SRC = join(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('error codes', () => {
  it('ERROR_CODES lists exactly these codes', () => {
    expect(ERROR_CODES).toStrictEqual([
      'TCB_INVALID_VALUE',
      'TCB_INVALID_RATING',
      'TCB_INVALID_CONFIDENCE',
      'TCB_INVALID_BOOLEAN',
      'TCB_INVALID_DATE',
      'TCB_INVALID_XID',
      'TCB_UNKNOWN_FIELD',
      'TCB_INDICATOR_TYPES',
      'TCB_MISSING_PEER',
      'TCB_INVALID_SETTING',
      'TCB_INVALID_OPTION',
      'TCB_XID_CONFLICT',
      'TCB_API_ERROR',
      'TCB_NETWORK_ERROR',
      'TCB_BAD_ANSWER',
      'TCB_POLL_TIMEOUT',
      'TCB_ABORTED',
      'TCB_CONFIG',
      'TCB_JOB_ERRORS',
      'TCB_ERRORS_UNAVAILABLE',
      'TCB_FILE_CONTENT',
      'TCB_ACCOUNTING',
      'TCB_JOURNAL_MISMATCH',
      'TCB_JOURNAL_LOCKED',
      'TCB_JOURNAL_IO',
      'TCB_INTERNAL',
      'TCB_IMPORT_FILE',
      'TCB_UNSUPPORTED_FORMAT',
      'TCB_CONTENT_FILE',
      'TCB_JSON_SYNTAX',
      'TCB_MISP_JSON',
      'TCB_MISP_FORMAT',
      'TCB_OPENIOC_FORMAT',
      'TCB_KEV_FORMAT',
      'TCB_STIX_PATTERN',
      'TCB_USAGE',
      'TCE_BAD_OPTIONS',
      'TCE_AUTH_SIGNATURE',
      'TCE_AUTH_TIMERANGE',
      'TCE_AUTH_INVALIDTIMESTAMP',
      'TCE_AUTH_ACCESSDENIED',
      'TCE_AUTH_UNAUTHORIZED',
      'TCE_NO_PERMISSION',
      'TCE_UNKNOWN_OWNER',
      'TCE_NOT_FOUND',
      'TCE_NO_ERRORS',
      'TCE_BAD_CONFIG',
      'TCE_BAD_FILTER',
      'TCE_BAD_PAGE',
      'TCE_BAD_MULTIPART',
      'TCE_NOT_MULTIPART',
      'TCE_MEDIA_TYPE',
      'TCE_TOO_LARGE',
      'TCE_ALREADY_UPLOADED',
      'TCE_STILL_RUNNING',
      'TCE_FILE_EXISTS',
      'TCE_BATCH_UNAVAILABLE',
      'TCE_FATAL_ITEM',
      'TCE_HALTED',
    ]);
    expect(Object.isFrozen(ERROR_CODES)).toBe(true);
    for (const c of ERROR_CODES) expect(ERROR_CODE_INFO[c]).toMatch(/^\S.*\S$/);
    expect(isErrorCode('TCB_API_ERROR')).toBe(true);
    expect(isErrorCode('TCB_UNKNOWN')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('every code literal in src/ is an ErrorCode, and every ErrorCode is used', () => {
    const used = new Set<string>();
    for (const f of sources(SRC)) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/['"`](TC[BE]_[A-Z0-9_]+?)['"`$]/g)) used.add(m[1]!);
      // the emulator's authentication codes are made from AUTH_MESSAGES keys
      if (text.includes('`TCE_AUTH_${'))
        for (const key of Object.keys(emulator.AUTH_MESSAGES)) used.add(`TCE_AUTH_${key.toUpperCase()}`);
    }
    used.delete('TCE_AUTH_');
    expect([...used].filter((c) => !isErrorCode(c))).toStrictEqual([]);
    expect(ERROR_CODES.filter((c) => !used.has(c))).toStrictEqual([]);
  });

  it('every exported error class extends TcBatchError', () => {
    const classes = Object.entries({ ...main, ...emulator, ...importers }).filter(
      ([, v]) =>
        v !== TcBatchError && typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error,
    );
    expect(classes.map(([name]) => name).sort()).toStrictEqual([
      'AbortError',
      'AccountingError',
      'BadAnswerError',
      'ConfigError',
      'ContentFileError',
      'EmulatorHttpError',
      'EmulatorOptionsError',
      'ImportFileError',
      'IndicatorTypesError',
      'JournalError',
      'JsonSyntaxError',
      'KevFormatError',
      'MispInputError',
      'MissingPeerError',
      'NetworkError',
      'OpenIocFormatError',
      'PollTimeoutError',
      'TcApiError',
      'ValidationError',
      'XidConflictError',
    ]);
    for (const [name, cls] of classes)
      expect([name, (cls as { prototype: object }).prototype instanceof TcBatchError]).toStrictEqual([name, true]);
  });

  it('no class in src/ extends a built-in error except TcBatchError', () => {
    const offenders: string[] = [];
    for (const f of sources(SRC)) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/class (\w+)\s+extends\s+(Error|TypeError|RangeError|SyntaxError)\b/g))
        if (m[1] !== 'TcBatchError') offenders.push(`${f.slice(SRC.length + 1)}: ${m[1]}`);
    }
    expect(offenders).toStrictEqual([]);
  });

  it('an error carries its code, name and message', () => {
    const e = new main.TcApiError({ status: 401, tcMessage: 'Unauthorized', method: 'GET', path: '/api/v2/owners' });
    expect([e instanceof TcBatchError, e.code, e.name, e.message]).toStrictEqual([
      true,
      'TCB_API_ERROR',
      'TcApiError',
      'GET /api/v2/owners answered 401: Unauthorized',
    ]);
  });
});
