// REST client for the hub: same-origin fetch (the session cookie travels by itself), one error shape.
// Every failure becomes an ApiError carrying the server's { code, message, field? }.
import type { LifImportReply } from '../../../shared/schemas/lynx.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

let onUnauthorized: (() => void) | null = null;

/** Called on every 401 (session expired or revoked): the session store shows the sign-in form. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function toError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; field?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      return new ApiError(res.status, e.code, e.message, typeof e.field === 'string' ? e.field : undefined);
    }
  } catch {
    // not JSON: fall through to a generic message
  }
  return new ApiError(res.status, 'http_error', `the hub answered ${res.status} ${res.statusText}`);
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sent as text/csv instead of JSON: typed text, or a file's bytes as they are (the hub detects the encoding). */
  csv?: string | Blob;
  /** Sent as application/octet-stream: a file's bytes as they are (a FinishLynx .lif). */
  bytes?: Blob;
  headers?: Record<string, string>;
  /** A 401 on this request is an answer, not an expired session (the login form). */
  quiet401?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: string | Blob | undefined;
  if (opts.csv !== undefined) {
    headers['content-type'] = 'text/csv; charset=utf-8';
    body = opts.csv;
  } else if (opts.bytes !== undefined) {
    headers['content-type'] = 'application/octet-stream';
    body = opts.bytes;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'the hub cannot be reached: check the network and retry');
  }
  if (res.status === 401 && !opts.quiet401) onUnauthorized?.();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return null as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  csv: <T>(path: string, file: string | Blob) => request<T>('POST', path, { csv: file }),
};

/**
 * `lif-<sha256 hex of the bytes>`, the key the hub checks against the body (a truncated upload is
 * refused, not imported). null where crypto.subtle is missing: it exists only in secure contexts, and a
 * hub reached by plain http on a LAN address is not one; the hub then derives the key itself.
 */
export async function lifKey(file: Blob): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (!subtle) return null;
  const digest = new Uint8Array(await subtle.digest('SHA-256', await file.arrayBuffer()));
  return `lif-${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Imports a FinishLynx results file into a heat: the file's bytes as they are (the hub detects the encoding). */
export async function uploadLif(heatId: number, file: File): Promise<LifImportReply> {
  const headers: Record<string, string> = {};
  const key = await lifKey(file);
  if (key) headers['idempotency-key'] = key;
  // Kept with the import record. A header must be Latin-1 or fetch throws: other names are left out.
  if (/^[\x20-\x7e]{1,255}$/.test(file.name)) headers['x-lynx-file'] = file.name;
  return request<LifImportReply>('POST', `/api/heats/${heatId}/lif`, { bytes: file, headers });
}

/** The message to show for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Splits an API error into a message beside a named field and a general one.
 * `fields` lists the inputs of the form; a field the form does not have lands in `general`.
 */
export function fieldErrors(err: unknown, fields: readonly string[]): { byField: Record<string, string>; general: string | null } {
  if (err instanceof ApiError && err.field) {
    const top = err.field.split('.')[0]!;
    const name = fields.includes(err.field) ? err.field : fields.includes(top) ? top : null;
    if (name) return { byField: { [name]: err.message }, general: null };
  }
  return { byField: {}, general: messageOf(err) };
}
