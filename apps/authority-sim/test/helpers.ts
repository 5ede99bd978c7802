/** Shared by the simulator's tests: a fixed clock and small HTTP helpers. */

/** 15 March 2026: the current month is 2026-03, M−1 = 2026-02, M−2 = 2026-01. */
export const NOW = new Date('2026-03-15T10:00:00Z');
export const fixedClock = (): Date => new Date(NOW);

export interface Res<T = Record<string, unknown>> {
  readonly status: number;
  readonly type: string;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export async function request<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; body?: unknown; rawBody?: string; contentType?: string; signal?: AbortSignal } = {},
): Promise<Res<T>> {
  const hasBody = init.body !== undefined || init.rawBody !== undefined;
  const res = await fetch(url, {
    method: init.method ?? (hasBody ? 'POST' : 'GET'),
    headers: hasBody ? { 'content-type': init.contentType ?? 'application/json' } : {},
    ...(hasBody ? { body: init.rawBody ?? JSON.stringify(init.body) } : {}),
    ...(init.signal !== undefined ? { signal: init.signal } : {}),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    headers: res.headers,
    body: body as T,
    text,
  };
}

/** POST a lookup to a source. */
export function lookup<T = Record<string, unknown>>(
  base: string,
  source: string,
  personnummer: string,
  months?: readonly string[],
): Promise<Res<T>> {
  return request<T>(`${base}/v1/${source}`, { body: { personnummer, ...(months !== undefined ? { months } : {}) } });
}
