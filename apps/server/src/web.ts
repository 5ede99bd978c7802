/**
 * Serves the citizen web (apps/web, built by Vite to dist/): hashed assets with a year's cache,
 * and index.html for every page of the single-page app, never cached, with a Content-Security-
 * Policy that allows only our own scripts and styles. A browser asking for a page that does not
 * exist gets the app too (it shows "not found"); API clients keep getting problem details.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const DEFAULT_WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

/** The app's pages: each answers with index.html and the app routes on the client. */
export const WEB_PAGES = [
  '/',
  '/kan-jag-fa-bistand',
  '/sa-raknar-vi/regler',
  '/kontakt',
  '/tillganglighet',
  '/logga-in',
  '/mina-sidor',
  '/ansokan/:municipality/:id',
  '/ansokan/:municipality/:id/:step',
  '/arende/:municipality/:id',
  '/personal',
  '/personal/arende/:municipality/:id',
  // The staff workspace's sections; each routes its own sub-pages in the browser.
  '/personal/coach',
  '/personal/coach/*',
  '/personal/kundtjanst',
  '/personal/kundtjanst/*',
  '/personal/granskning',
  '/personal/granskning/*',
  '/personal/admin',
  '/personal/admin/*',
] as const;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Aksel sets a few inline style attributes (positions of popovers and modals).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

declare module 'fastify' {
  interface FastifyInstance {
    /** index.html of the citizen web, when it is built. */
    webIndex: string;
  }
}

/** Whether a request is a browser asking for a page (not the API, not a file). */
export function wantsPage(req: FastifyRequest): boolean {
  return (
    req.method === 'GET' &&
    !req.url.startsWith('/api/') &&
    !req.url.startsWith('/auth/') &&
    (req.headers.accept ?? '').includes('text/html')
  );
}

export function sendIndex(app: FastifyInstance, reply: FastifyReply, status = 200) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .send(app.webIndex);
}

export async function citizenWeb(app: FastifyInstance, root: string): Promise<void> {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn({ root }, 'the citizen web is not built (npm run build); only the API is served');
    return;
  }
  app.decorate('webIndex', readFileSync(indexFile, 'utf8'));
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    index: false,
    wildcard: false,
    immutable: true,
    maxAge: '365d',
    decorateReply: false,
  });
  for (const path of WEB_PAGES) app.get(path, { schema: { hide: true } }, async (_req, reply) => sendIndex(app, reply));
}
