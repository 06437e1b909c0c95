import { describe, expect, it } from 'vitest';
import {
  apiSettingsProblems,
  generateToken,
  isLoopbackHost,
  parseListen,
  remoteWarning,
} from '../../../src/config/api-listen.js';
import { parse, parseIssues } from './helpers.js';

const TLS = { cert: '/c.pem', key: '/k.pem' };
const LONG = 'x'.repeat(32);

describe('settings.api beyond loopback (issue 16)', () => {
  it('knows loopback hosts from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.4', 'example.com', '128.0.0.1'])
      expect(isLoopbackHost(host)).toBe(false);
    expect(parseListen('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseListen('80')).toEqual({ host: '127.0.0.1', port: 80 });
    expect(parseListen('host:99999')).toBeNull();
  });

  it('a non-loopback listen needs allow_remote, a 32-character token and TLS', () => {
    const base = { listen: '0.0.0.0:8080', token: LONG, allowRemote: false, tls: TLS };
    expect(apiSettingsProblems(base).map((p) => p.key)).toEqual(['listen']);
    expect(apiSettingsProblems(base)[0]?.message).toContain('set settings.api.allow_remote: true');
    const short = apiSettingsProblems({ ...base, allowRemote: true, token: 'abcde' });
    expect(short.map((p) => p.key)).toEqual(['token']);
    expect(short[0]?.message).toMatch(/at least 32 characters, got 5; for example OVRSEER_TOKEN=[\w-]{43}$/);
    expect(apiSettingsProblems({ ...base, allowRemote: true, tls: null }).map((p) => p.key)).toEqual(['tls']);
    expect(apiSettingsProblems({ ...base, allowRemote: true })).toEqual([]);
    // Loopback: any token will do, TLS is optional; without a token, no TCP at all.
    expect(apiSettingsProblems({ ...base, listen: '127.0.0.1:1', token: 'a', tls: null })).toEqual([]);
    expect(apiSettingsProblems({ ...base, listen: '127.0.0.1:1', token: null })[0]?.message).toContain(
      'a TCP API needs a token',
    );
    expect(generateToken()).toHaveLength(43);
  });

  it('the config checks what does not depend on the token, naming the key', () => {
    const issues = parseIssues(
      'settings: { api: { listen: "0.0.0.0:8080", token: abc } }\nprocesses:\n  a: { command: x }\n',
    );
    expect(issues.map((i) => i.path)).toEqual(['settings.api.listen']);
    expect(issues[0]?.message).toContain('0.0.0.0:8080 is not a loopback address');
    const noTls = parseIssues(
      'settings: { api: { listen: "10.0.0.1:80", allow_remote: true } }\nprocesses:\n  a: { command: x }\n',
    );
    expect(noTls.map((i) => [i.path, i.message])).toEqual([
      [
        'settings.api',
        expect.stringContaining('needs TLS: set settings.api.tls: {cert: cert.pem, key: key.pem}'),
      ],
    ]);
    const badTls = parseIssues(
      'settings: { api: { listen: 80, tls: { cert: c.pem } } }\nprocesses:\n  a: { command: x }\n',
    );
    expect(badTls[0]?.path).toMatch(/^settings\.api\.tls/);
    // The token comes from the environment, often unset in the shell that runs `ovrseer ps`.
    const spec = parse(
      'settings: { api: { listen: "0.0.0.0:80", allow_remote: true, tls: { cert: c.pem, key: k.pem } } }\nprocesses:\n  a: { command: x }\n',
    );
    expect(spec.settings.api.tls).toEqual({ cert: '/srv/shop/c.pem', key: '/srv/shop/k.pem' });
  });

  it('warns with the address when listening remotely', () => {
    expect(remoteWarning({ listen: '0.0.0.0:8443', tls: TLS })).toContain(
      'the API listens on 0.0.0.0:8443 (TLS)',
    );
    expect(remoteWarning({ listen: '127.0.0.1:8443', tls: null })).toBeNull();
    expect(remoteWarning({ listen: null, tls: null })).toBeNull();
  });
});
