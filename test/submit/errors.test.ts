// Parsing of /errors and /results records (tc-batch-api.md §3.5, §3.6, §7).
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/index.js';
import { parseErrorRecord } from '../../src/submit/errors.js';
import { chunkLookup } from '../../src/submit/chunk-run.js';

describe('parseErrorRecord', () => {
  const batch = new Batch({ owner: 'o' });
  batch.host('m-lena.example.pl', undefined, undefined, 'host-1');
  batch.incident('incident-001', 'inc-1');
  const lookup = chunkLookup([...batch.chunks()][0]!);

  it('an /errors record: code from the text, the indicator named by its summary', () => {
    const raw = { errorReason: "Error (0x1005): m-lena.example.pl is not valid. The indicator 'm-lena.example.pl' could not be processed as a valid Host due to missing or invalid data (summary is invalid for the given type).", errorSource: 'm-lena.example.pl is not valid.' };
    expect(parseErrorRecord(12, raw, lookup)).toStrictEqual({
      batchId: 12,
      origin: 'server',
      code: '0x1005',
      severity: 'Error',
      reason: raw.errorReason,
      source: 'm-lena.example.pl is not valid.',
      item: { kind: 'indicator', type: 'Host', xid: 'host-1', summary: 'm-lena.example.pl' },
      critical: false,
    });
  });

  it('a /results record: code and severity fields; critical job-fatal reason; group named by xid', () => {
    const raw = {
      code: '0x1003',
      severity: 'Error',
      errorReason: 'com.google.gson.JsonSyntaxException: bad date',
      errorMessage: "Encountered an unexpected Exception while processing batch job. Last known JSON path: '$.group[0]': Last processed group[0] 'inc-1'.",
    };
    expect(parseErrorRecord(3, raw, lookup)).toStrictEqual({
      batchId: 3,
      origin: 'server',
      code: '0x1003',
      severity: 'Error',
      reason: `Error (0x1003): ${raw.errorMessage}`,
      source: 'com.google.gson.JsonSyntaxException: bad date',
      item: { kind: 'group', type: 'Incident', xid: 'inc-1', summary: 'incident-001' },
      critical: true,
    });
  });

  it('the indicator limit is critical; a record without code or item stays honest', () => {
    const r = parseErrorRecord(4, { errorReason: 'Error (0x1008): Adding 5000 indicators would exceed the number of allowed indicators' });
    expect(r).toMatchObject({ code: '0x1008', critical: true, item: undefined, source: undefined });
    expect(parseErrorRecord(5, { errorReason: 'Incident incident-001 has an invalid status.', errorSource: 'incident-001 is not valid.' })).toMatchObject({ code: undefined, critical: false });
  });
});
