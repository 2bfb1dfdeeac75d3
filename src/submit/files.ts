/**
 * Document/Report file uploads after their job completed (ThreatConnect V2 API: "Upload Document
 * contents"): bounded
 * concurrency, each content callback awaited one at a time by its upload, POST then PUT when the
 * file exists. A failed callback or upload is a result with `uploaded: false`, never an exception,
 * and nothing but bytes or text is ever sent.
 */
import type { TcClient } from '../client/client.js';
import { groupTypes } from '../../generated/catalog.js';
import type { GroupTypeInfo } from '../model/catalog-types.js';
import type { SubmitFile as FileUpload } from './types.js';
import type { ProgressEvent } from './events.js';
import { TcBatchError } from '../errors.js';

/** Outcome of one upload. */
export interface FileResult {
  xid: string;
  type: string;
  fileName: string | undefined;
  uploaded: boolean;
  /** HTTP status of the last request, when one was made. */
  status?: number;
  /** Why it was not uploaded. */
  error?: string;
}

/** Upload options. */
export interface UploadOptions {
  owner: string;
  /** Uploads in flight at once. Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Awaited after each upload (the orchestrator records it in the ledger). */
  onResult?: (result: FileResult) => Promise<void>;
}

async function resolveContent(upload: FileUpload): Promise<Uint8Array> {
  const c = typeof upload.content === 'function' ? await upload.content(upload.xid) : upload.content;
  if (typeof c === 'string') return new TextEncoder().encode(c);
  if (c instanceof Uint8Array) return c;
  throw new TcBatchError('TCB_FILE_CONTENT', `file content of ${upload.xid} is ${c === null ? 'null' : typeof c}, not a string or bytes`);
}

/** Upload files with bounded concurrency; results in the order of `uploads`. */
export async function uploadFiles(client: TcClient, uploads: readonly FileUpload[], options: UploadOptions): Promise<FileResult[]> {
  const results: FileResult[] = new Array(uploads.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < uploads.length; i = next++) {
      const u = uploads[i]!;
      const base = { xid: u.xid, type: u.type, fileName: u.fileName };
      const info = (groupTypes as Record<string, GroupTypeInfo>)[u.type];
      let result: FileResult;
      try {
        if (!info?.fileContent) throw new TcBatchError('TCB_FILE_CONTENT', `${u.type} groups take no file content`);
        const body = await resolveContent(u);
        const status = await client.uploadFile(info.apiBranch as 'documents' | 'reports', u.xid, body, options.owner, { signal: options.signal });
        result = { ...base, uploaded: true, status };
      } catch (e) {
        const status = (e as { status?: number }).status;
        result = { ...base, uploaded: false, error: (e as Error).message, ...(status !== undefined ? { status } : {}) };
      }
      results[i] = result;
      await options.onResult?.(result);
      options.onProgress?.({ type: 'file', xid: u.xid, uploaded: result.uploaded, ...(result.status !== undefined ? { status: result.status } : {}), ...(result.error ? { error: result.error } : {}) });
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? 4, uploads.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}
