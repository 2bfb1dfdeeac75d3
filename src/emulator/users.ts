/**
 * The users file of `tcbatch serve --users FILE` (JSON or YAML): the owners of the instance and the
 * API users with their credentials and rights per owner.
 *
 * ```yaml
 * owners:
 *   - { name: MyOrg, type: Organization }
 *   - { name: Partner Community, type: Community }
 * users:
 *   - name: analyst
 *     credentials: [{ accessId: "12345678901234567890", secretKey: "..." }]
 *     tokens: ["..."]
 *     owners: { MyOrg: write, Partner Community: read }
 * ```
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { EmulatorOptionsError } from './errors.js';
import type { HmacCredential, OwnerOption, OwnerRight, TokenCredential, UserOption } from './options.js';

/** What a users file holds. */
export interface UsersFile {
  owners?: OwnerOption[];
  users: UserOption[];
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function list(v: unknown, where: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new EmulatorOptionsError(`${where} must be a list`);
  return v;
}

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new EmulatorOptionsError(`${where} must be a non-empty string`);
  return v;
}

function owner(v: unknown, i: number): OwnerOption {
  if (typeof v === 'string') return { name: v };
  if (!isObj(v)) throw new EmulatorOptionsError(`owners[${i}] must be a name or { name, type }`);
  const o: OwnerOption = { name: text(v.name, `owners[${i}].name`) };
  if (v.type !== undefined) o.type = text(v.type, `owners[${i}].type`);
  return o;
}

function user(v: unknown, i: number): UserOption {
  if (!isObj(v)) throw new EmulatorOptionsError(`users[${i}] must be an object`);
  const at = `users[${i}]`;
  const credentials: HmacCredential[] = list(v.credentials, `${at}.credentials`).map((c, k) => {
    if (!isObj(c)) throw new EmulatorOptionsError(`${at}.credentials[${k}] must be { accessId, secretKey }`);
    return { accessId: text(c.accessId, `${at}.credentials[${k}].accessId`), secretKey: text(c.secretKey, `${at}.credentials[${k}].secretKey`) };
  });
  const tokens: TokenCredential[] = list(v.tokens, `${at}.tokens`).map((t, k) => {
    if (typeof t === 'string') return { token: text(t, `${at}.tokens[${k}]`) };
    if (!isObj(t)) throw new EmulatorOptionsError(`${at}.tokens[${k}] must be a token or { token, expiresAt }`);
    const tk: TokenCredential = { token: text(t.token, `${at}.tokens[${k}].token`) };
    if (typeof t.expiresAt === 'number') tk.expiresAt = t.expiresAt;
    return tk;
  });
  const u: UserOption = { name: text(v.name, `${at}.name`), credentials, tokens };
  if (v.owners !== undefined) {
    if (!isObj(v.owners)) throw new EmulatorOptionsError(`${at}.owners must map owner names to read or write`);
    u.owners = Object.fromEntries(Object.entries(v.owners).map(([k, r]) => [k, r as OwnerRight]));
  }
  return u;
}

/**
 * Parse a users file's text.
 *
 * @param source JSON or YAML text
 * @returns owners (when listed; else every owner the users name, in order) and users
 * @throws EmulatorOptionsError (`TCE_BAD_OPTIONS`) naming the first bad entry; never echoes a secret
 */
export function parseUsersFile(source: string): UsersFile {
  let doc: unknown;
  try {
    doc = parse(source) as unknown;
  } catch (e) {
    throw new EmulatorOptionsError(`the users file is neither JSON nor YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObj(doc)) throw new EmulatorOptionsError('the users file must hold an object with users (and owners)');
  const users = list(doc.users, 'users').map(user);
  if (users.length === 0) throw new EmulatorOptionsError('the users file lists no users');
  const out: UsersFile = { users };
  if (doc.owners !== undefined) out.owners = list(doc.owners, 'owners').map(owner);
  else out.owners = [...new Set(users.flatMap((u) => Object.keys(u.owners ?? {})))].map((name) => ({ name }));
  return out;
}

/**
 * Read a users file.
 *
 * @throws EmulatorOptionsError when it cannot be read or is invalid
 */
export function loadUsersFile(path: string): UsersFile {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EmulatorOptionsError(`cannot read the users file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseUsersFile(source);
}
