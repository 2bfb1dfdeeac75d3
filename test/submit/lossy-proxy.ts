/**
 * A loopback HTTP proxy in front of the emulator that loses or spoils answers AFTER the server
 * handled the request: what a client sees when a load balancer times out or a connection breaks on
 * the way back. Every request is logged (method, path with query, the server's status, what was
 * done to the answer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What to do to a matching answer. */
export type Spoil = 'drop' | '502' | '503' | '404' | 'garbage';

/** Spoil the answers of the first `times` requests matching `method` and `path` (default every one). */
export interface SpoilRule {
  method: string;
  path: RegExp;
  action: Spoil;
  times?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Status the emulator answered. */
  status: number;
  /** What the proxy did to the answer ('pass' when nothing). */
  action: Spoil | 'pass';
}

export interface LossyProxy {
  /** Base URL ending in `/api`. */
  url: string;
  log: LoggedRequest[];
  rules: SpoilRule[];
  close(): Promise<void>;
}

/** Start a proxy to `target` (an emulator base URL ending in `/api`). */
export async function startLossyProxy(target: string, rules: SpoilRule[] = []): Promise<LossyProxy> {
  const upstream = new URL(target);
  const log: LoggedRequest[] = [];
  const used = new Map<SpoilRule, number>();
  const state = { rules };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host, connection: 'close' } },
        (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            const method = req.method ?? 'GET';
            const path = req.url ?? '';
            const rule = state.rules.find((r) => r.method === method && r.path.test(path) && (r.times === undefined || (used.get(r) ?? 0) < r.times));
            const action = rule?.action ?? 'pass';
            if (rule) used.set(rule, (used.get(rule) ?? 0) + 1);
            log.push({ method, path, status: up.statusCode ?? 0, action });
            if (action === 'drop') {
              req.socket.destroy();
              return;
            }
            if (action === '502' || action === '503' || action === '404') {
              res.writeHead(Number(action), { 'content-type': 'text/plain', connection: 'close' });
              res.end(action === '503' ? 'Service Unavailable' : action === '404' ? 'Not Found' : 'Bad Gateway');
              return;
            }
            if (action === 'garbage') {
              res.writeHead(up.statusCode ?? 200, { 'content-type': 'text/html', connection: 'close' });
              res.end('<html><body>OK</body></html>');
              return;
            }
            const headers = { ...up.headers };
            delete headers['transfer-encoding'];
            headers.connection = 'close';
            res.writeHead(up.statusCode ?? 500, headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      forward.on('error', () => req.socket.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api`,
    log,
    get rules() {
      return state.rules;
    },
    set rules(r: SpoilRule[]) {
      state.rules = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
