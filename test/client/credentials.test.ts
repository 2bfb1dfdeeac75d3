// A credential with a control character (CR/LF from a copied secret, a header-injection attempt) is
// refused when the client is built, with a ConfigError that names the option but never the value.
import { describe, expect, it } from 'vitest';
import { TcClient } from '../../src/client/client.js';
import { ConfigError } from '../../src/client/errors.js';

const build = (o: Record<string, string>) => () => new TcClient({ apiPath: 'https://tc.example/api', env: {}, fetch: async () => new Response('{}'), ...o });

describe('credentials with control characters', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['token with CR/LF', { token: 'APIV2:1:abc\r\nX-Injected: 1' }, 'token contains a control character (position 12)'],
    ['secret key with a trailing newline', { accessId: 'id', secretKey: 'secret-value-7f\n' }, 'secretKey contains a control character (position 16)'],
    ['access id with a NUL', { accessId: 'i\u0000d', secretKey: 'secret-value-7f' }, 'accessId contains a control character (position 2)'],
    ['token with DEL', { token: 'tok\u007fen' }, 'token contains a control character (position 4)'],
  ];
  for (const [name, options, message] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        build(options)();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('TCB_CONFIG');
      expect((err as Error).message).toBe(`${message}; check how it was copied (a trailing newline?)`);
      const dump = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''}`;
      for (const v of Object.values(options)) if (v.length > 3) expect(dump).not.toContain(v.replace(/[\r\n]/g, '').slice(0, 8));
    });
  }

  it('ordinary credentials are accepted', () => {
    expect(build({ token: 'APIV2:430:c8mTcH:1234567890123:7mbiy0OnuSIq0ujNbkrqEB3RlpplzNL3CcQsYGso8ZQ=' })).not.toThrow();
  });
});
