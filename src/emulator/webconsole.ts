/**
 * The web console at `/` (static files in `console/`, plain HTML, CSS and browser JavaScript, no
 * build step). It has no data path of its own: the page signs in with one of the emulator's
 * credentials and reads the same v2/v3 API as the clients. Served only when the emulator listens
 * on a loopback interface, unless asked for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import type { FastifyInstance } from 'fastify';

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/console.js': 'console.js',
  '/console.css': 'console.css',
};

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * The folder holding the console files, ending in a path separator: the package's
 * `src/emulator/console/` (shipped as they are, for the sources and both builds).
 */
export function consoleDir(): string {
  return join(packageRoot, 'src', 'emulator', 'console', '/');
}

/** Whether a listen address is a loopback interface (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Register the console's files on the root instance. */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  const dir = consoleDir();
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
  for (const [url, file] of Object.entries(FILES)) {
    const body = readFileSync(`${dir}${file}`);
    const type = TYPES[file.split('.').pop()!]!;
    app.get(url, async (_req, reply) =>
      reply
        .type(type)
        .header(
          'Content-Security-Policy',
          "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        )
        .header('X-Content-Type-Options', 'nosniff')
        .header('Cache-Control', 'no-store')
        .send(body),
    );
  }
}
