/**
 * The API client: same-origin fetch with the session cookie, the session's CSRF token on every
 * state-changing request, Accept-Language in the chosen language, and RFC 9457 problem details
 * turned into an ApiError whose field errors the forms show at the field and in a summary.
 */
import { currentLanguage } from './i18n';

export interface FieldError {
  readonly pointer?: string;
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { type?: string; title?: string; detail?: string; errors?: FieldError[]; [k: string]: unknown },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
  get fieldErrors(): readonly FieldError[] {
    return this.problem.errors ?? [];
  }
}

let csrfToken: string | undefined;
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (401), so the page can say so. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T>(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    raw?: BodyInit;
    /** A look the page takes by itself (not the person's action): does not keep the session alive. */
    background?: boolean;
  } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  const lang = currentLanguage();
  const headers: Record<string, string> = {
    accept: 'application/json',
    // The server answers in Swedish or English: English for the languages it does not write.
    'accept-language': lang === 'sv' ? 'sv' : lang === 'en' ? 'en, sv;q=0.5' : `${lang}, en;q=0.6, sv;q=0.5`,
    ...(init.background ? { 'x-tillit-background': '1' } : {}),
    ...init.headers,
  };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined = init.raw;
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const res = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  if (res.status === 204) return undefined as T;
  const json: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, json as ApiError['problem']);
  }
  return json as T;
}

/** A key that stays the same for one user action, so a retry is not a second submission. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
