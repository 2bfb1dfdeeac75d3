/**
 * The emulator's answers checked against schemas/openapi.yaml: the path template, method, status
 * and content type must be described, and a JSON body must match the described schema (the JSON
 * schemas under schemas/ resolved with the project's ajv configuration).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createAjv } from '../../codegen/ajv.js';
import { SCHEMA_BASE, loadSchemas } from '../../codegen/load.js';
import { call, type Reply, type SignOptions } from './signer.js';

const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));
const OPENAPI_ID = 'https://tcbatch.dev/openapi/components/schemas/';

type Json = Record<string, any>;

/** The OpenAPI document with its `$ref`s turned into ajv schema ids. */
export const openapi: Json = parse(readFileSync(`${SCHEMAS}openapi.yaml`, 'utf8')) as Json;

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('./')) out[k] = `${SCHEMA_BASE}${v.slice(2)}`;
    else if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) out[k] = `${OPENAPI_ID}${v.slice('#/components/schemas/'.length)}`;
    else out[k] = rewrite(v);
  }
  return out;
}

const ajv = createAjv(loadSchemas(SCHEMAS).files);
for (const [name, schema] of Object.entries(openapi.components.schemas as Json)) ajv.addSchema(rewrite(schema) as Json, `${OPENAPI_ID}${name}`);

/** `/v2/batch/{batchId}` and `/api/v2/batch/:id` both become `/v2/batch/{}`. */
export function templateKey(path: string): string {
  return path
    .replace(/^\/api(?=\/)/, '')
    .replace(/\{[^}]+\}/g, '{}')
    .replace(/:[^/]+/g, '{}');
}

/** The OpenAPI path template a concrete path matches (literal segments win over parameters). */
export function matchPath(path: string): string | undefined {
  const segs = path.split('?')[0]!.split('/');
  const candidates = Object.keys(openapi.paths as Json).filter((t) => {
    const ts = t.split('/');
    return ts.length === segs.length && ts.every((s, i) => s.startsWith('{') || s === segs[i]);
  });
  const params = (t: string) => t.split('{').length;
  return candidates.sort((a, b) => params(a) - params(b))[0];
}

function deref(obj: Json): Json {
  if (typeof obj.$ref === 'string' && obj.$ref.startsWith('#/components/')) {
    const [, , kind, name] = obj.$ref.split('/');
    return openapi.components[kind!][name!] as Json;
  }
  return obj;
}

/**
 * Check one exchange against the document.
 *
 * @returns the problems found (empty when the answer is described and its body matches)
 */
export function check(method: string, path: string, reply: Reply): string[] {
  const template = matchPath(path);
  if (!template) return [`${method} ${path}: no path in openapi.yaml`];
  const op = (openapi.paths as Json)[template][method.toLowerCase()] as Json | undefined;
  if (!op) return [`${method} ${template}: method not in openapi.yaml`];
  const described = op.responses[String(reply.status)] as Json | undefined;
  if (!described) return [`${method} ${template}: status ${reply.status} not in openapi.yaml`];
  const response = deref(described);
  const type = (reply.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!response.content) return reply.text === '' || reply.status === 404 ? [] : [`${method} ${template} ${reply.status}: a body that is not described`];
  const media = response.content[type] as Json | undefined;
  if (!media) return [`${method} ${template} ${reply.status}: content type ${type} not in openapi.yaml (${Object.keys(response.content).join(', ')})`];
  if (type !== 'application/json' || !media.schema) return [];
  const validate = ajv.compile(rewrite(media.schema) as Json);
  if (validate(reply.json)) return [];
  return [`${method} ${template} ${reply.status}: ${ajv.errorsText(validate.errors)} in ${reply.text.slice(0, 300)}`];
}

/** Every exchange made through {@link api}, with its problems. */
export const exchanges: Array<{ method: string; path: string; status: number; problems: string[] }> = [];

/**
 * A signed call whose answer is checked against openapi.yaml (problems collected in {@link exchanges}
 * and thrown at once, so the failing request is named).
 */
export async function api(base: string, method: string, path: string, body?: unknown, o: SignOptions & { contentType?: string } = {}): Promise<Reply> {
  const reply = await call(base, method, path, body, o);
  const problems = check(method, path, reply);
  exchanges.push({ method, path, status: reply.status, problems });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return reply;
}
