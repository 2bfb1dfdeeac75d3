// Owners and users: credentials belong to users; a user reads or writes per owner; another user's
// batch job is neither readable nor writable; v3 reads show only readable owners.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { parseUsersFile } from '../../src/emulator/users.js';
import { NOW_MS, call, type SignOptions } from './signer.js';
import { config } from './harness.js';

async function waitDone(url: string, id: number, who: SignOptions = U1): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await call(url, 'GET', `/v2/batch/${id}`, undefined, who)).json?.data?.batchStatus?.status === 'Completed')
      return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`job ${id} did not complete`);
}

const U1: SignOptions = { accessId: 'u1-id', secretKey: 'u1-secret-key' };
const U2: SignOptions = { accessId: 'u2-id', secretKey: 'u2-secret-key' };
const U2_TOKEN: SignOptions = { token: 'APIV2:2:u2:1234567890123:dG9rZW4tb2YtdTI=' };
const NO_PERMISSION =
  'Unable to perform the requested operation due to the following error(s): You do not have permission to create Indicators; Groups; Attributes; Tags; Security Labels;';

const FILE = `
owners:
  - { name: Org1, type: Organization }
  - { name: Org2, type: Organization }
  - { name: Shared, type: Community }
users:
  - name: u1
    credentials: [{ accessId: u1-id, secretKey: u1-secret-key }]
    owners: { Org1: write, Shared: write }
  - name: u2
    credentials: [{ accessId: u2-id, secretKey: u2-secret-key }]
    tokens: ["APIV2:2:u2:1234567890123:dG9rZW4tb2YtdTI="]
    owners: { Org2: write, Shared: read }
`;

let emu: RunningEmulator;
let u1Job: number;
beforeAll(async () => {
  const { owners, users } = parseUsersFile(FILE);
  emu = await startEmulator({ owners, users, clock: () => NOW_MS });
  u1Job = (await call(emu.url, 'POST', '/v2/batch', config({ owner: 'Org1' }), U1)).json.data.batchId;
  await call(
    emu.url,
    'POST',
    `/v2/batch/${u1Job}`,
    JSON.stringify({
      group: [{ type: 'Adversary', xid: 'g1', name: 'u1 group' }],
      indicator: [{ type: 'Host', summary: 'bad_host' }, { type: 'Host', summary: 'u1.example.com' }],
    }),
    U1,
  );
  await waitDone(emu.url, u1Job);
});
afterAll(() => emu.close());

describe('write rights', () => {
  it('a user writes into an owner they may write', async () => {
    expect((await call(emu.url, 'POST', '/v2/batch', config({ owner: 'Shared' }), U1)).status).toBe(201);
  });

  it('a read-only owner: the documented plain-text 401, for POST /v2/batch, createAndUpload and file uploads', async () => {
    const r = await call(emu.url, 'POST', '/v2/batch', config({ owner: 'Shared' }), U2);
    expect([r.status, r.headers.get('content-type'), r.text]).toEqual([
      401,
      'text/plain; charset=utf-8',
      NO_PERMISSION,
    ]);
    const form = new FormData();
    form.append('config', JSON.stringify(config({ owner: 'Shared' })));
    form.append('content', '[]');
    const m = await call(emu.url, 'POST', '/v2/batch/createAndUpload', form, U2_TOKEN);
    expect([m.status, m.text]).toEqual([401, NO_PERMISSION]);
    const f = await call(emu.url, 'POST', '/v2/groups/documents/x/upload?owner=Shared', 'bytes', U2);
    expect([f.status, f.text]).toEqual([401, NO_PERMISSION]);
    expect(emu.jobs().filter((j) => j.owner === 'Shared' && j.user === 'u2')).toEqual([]);
  });

  it('an owner without any right is refused like an unknown one (403)', async () => {
    const r = await call(emu.url, 'POST', '/v2/batch', config({ owner: 'Org1' }), U2);
    expect([r.status, r.json]).toEqual([
      403,
      { status: 'Failure', message: "Owner 'Org1' does not exist or you do not have access to it" },
    ]);
  });
});

describe("another user's batch job", () => {
  it('is not readable: status, errors and results answer 404', async () => {
    for (const path of [`/v2/batch/${u1Job}`, `/v2/batch/${u1Job}/errors`, `/v2/batch/${u1Job}/results`]) {
      const r = await call(emu.url, 'GET', path, undefined, U2);
      expect([path, r.status, r.json]).toEqual([
        path,
        404,
        { status: 'Failure', message: 'The requested resource was not found' },
      ]);
    }
    expect((await call(emu.url, 'GET', `/v2/batch/${u1Job}`, undefined, U1)).status).toBe(200);
  });

  it('is not writable: an upload into it answers 404 and the job keeps its state', async () => {
    const created = (await call(emu.url, 'POST', '/v2/batch', config({ owner: 'Org1' }), U1)).json.data.batchId;
    const r = await call(emu.url, 'POST', `/v2/batch/${created}`, '[]', U2);
    expect(r.status).toBe(404);
    expect(emu.jobs().find((j) => j.id === created)).toMatchObject({ status: 'Created', uploaded: false, user: 'u1' });
  });

  it('is not listed in GET /api/emulator/batch for the other user', async () => {
    const mine = (await call(emu.url, 'GET', '/emulator/batch', undefined, U2)).json.data.batch;
    expect(mine.some((j: { id: number }) => j.id === u1Job)).toBe(false);
    const theirs = (await call(emu.url, 'GET', '/emulator/batch', undefined, U1)).json.data.batch;
    expect(theirs.some((j: { id: number }) => j.id === u1Job)).toBe(true);
  });
});

describe('reads are filtered to readable owners', () => {
  it('/v2/owners and /v3/security/owners list only readable owners; /v2/owners/mine is the first', async () => {
    expect(
      (await call(emu.url, 'GET', '/v2/owners', undefined, U2)).json.data.owner.map((o: { name: string }) => o.name),
    ).toEqual(['Org2', 'Shared']);
    expect(
      (await call(emu.url, 'GET', '/v3/security/owners', undefined, U1)).json.data.map((o: { name: string }) => o.name),
    ).toEqual(['Org1', 'Shared']);
    expect((await call(emu.url, 'GET', '/v2/owners/mine', undefined, U2)).json.data.owner.name).toBe('Org2');
  });

  it("another owner's group is not readable by numeric id, xid, list or download", async () => {
    const g = await call(emu.url, 'GET', '/v3/groups/g1?owner=Org1', undefined, U1);
    expect(g.status).toBe(200);
    const id = g.json.data.id as number;
    expect((await call(emu.url, 'GET', `/v3/groups/${id}`, undefined, U2)).status).toBe(404);
    expect((await call(emu.url, 'GET', `/v3/groups/${id}`, undefined, U1)).status).toBe(200);
    expect((await call(emu.url, 'GET', '/v3/groups/g1?owner=Org1', undefined, U2)).status).toBe(403);
    expect((await call(emu.url, 'GET', '/v3/groups?owner=Org1', undefined, U2)).status).toBe(403);
    expect((await call(emu.url, 'GET', '/v3/groups', undefined, U2)).json.data).toEqual([]); // Org2, their own, is empty
    expect((await call(emu.url, 'GET', `/v3/groups/${id}/download`, undefined, U2)).status).toBe(404);
    const indicatorId = (await call(emu.url, 'GET', '/v3/indicators/u1.example.com?owner=Org1&type=Host', undefined, U1)).json.data.id as number;
    expect((await call(emu.url, 'GET', `/v3/indicators/${indicatorId}`, undefined, U2)).status).toBe(404);
    expect((await call(emu.url, 'GET', `/v3/indicators/${indicatorId}`, undefined, U1)).status).toBe(200);
  });

  it('a readable Community is readable by both', async () => {
    const id = (await call(emu.url, 'POST', '/v2/batch', config({ owner: 'Shared' }), U1)).json.data.batchId;
    await call(
      emu.url,
      'POST',
      `/v2/batch/${id}`,
      JSON.stringify({ indicator: [{ type: 'Host', summary: 'shared.example.com' }] }),
      U1,
    );
    await waitDone(emu.url, id);
    const r = await call(emu.url, 'GET', '/v3/indicators/shared.example.com?owner=Shared&type=Host', undefined, U2);
    expect([r.status, r.json.data.ownerName]).toEqual([200, 'Shared']);
    expect(
      (await call(emu.url, 'GET', '/v3/indicators?owner=Shared', undefined, U2)).json.data.map(
        (i: { summary: string }) => i.summary,
      ),
    ).toEqual(['shared.example.com']);
  });
});

describe('users file', () => {
  it('docs/users.example.yaml starts a server whose users have the rights it lists', async () => {
    const { owners, users } = parseUsersFile(readFileSync(new URL('../../docs/users.example.yaml', import.meta.url), 'utf8'));
    const ex = await startEmulator({ owners, users, clock: () => NOW_MS });
    try {
      const feed: SignOptions = { token: 'APIV2:1:feedapp:1234567890123:ZXhhbXBsZS10b2tlbg==' };
      expect((await call(ex.url, 'POST', '/v2/batch', config({ owner: 'Feed Source' }), feed)).status).toBe(201);
      expect((await call(ex.url, 'POST', '/v2/batch', config({ owner: 'MyOrg' }), feed)).status).toBe(401);
      const analyst: SignOptions = { accessId: '12345678901234567890', secretKey: 'example-secret-key-analyst' };
      expect((await call(ex.url, 'GET', '/v2/owners/mine', undefined, analyst)).json.data.owner).toMatchObject({ name: 'MyOrg', type: 'Organization' });
    } finally {
      await ex.close();
    }
  });

  it('JSON works like YAML; bad entries are named without echoing secrets', () => {
    expect(parseUsersFile('{"users":[{"name":"a","tokens":["t0k3n"],"owners":{"O":"read"}}]}')).toEqual({
      owners: [{ name: 'O' }],
      users: [{ name: 'a', credentials: [], tokens: [{ token: 't0k3n' }], owners: { O: 'read' } }],
    });
    expect(() => parseUsersFile('users: [{ name: a, credentials: [{ accessId: x, secretKey: 42 }] }]')).toThrow(
      'users[0].credentials[0].secretKey must be a non-empty string',
    );
    expect(() => parseUsersFile('users: []')).toThrow('the users file lists no users');
  });

  it('rights on unknown owners and odd rights are refused at start', async () => {
    await expect(
      startEmulator({ owners: ['A'], users: [{ name: 'x', tokens: ['t'], owners: { B: 'write' } }] }),
    ).rejects.toThrow("user x: owner 'B' is not one of the configured owners");
    await expect(
      startEmulator({ owners: ['A'], users: [{ name: 'x', tokens: ['t'], owners: { A: 'admin' as 'read' } }] }),
    ).rejects.toThrow("user x: the right on 'A' must be read or write");
  });
});
