// node:net only when an address is checked: `validate` has no other use for it (~2.5 ms to load).
const isIP = (host: string): number =>
  (process.getBuiltinModule('node:net') as typeof import('node:net')).isIP(host);

/** A token for a remote API must be at least this long (a generated one is 43 characters). */
export const MIN_REMOTE_TOKEN_LENGTH = 32;

/** `host:port` of `settings.api.listen`, the host without IPv6 brackets; a bare port is loopback. */
export function parseListen(listen: string): { host: string; port: number } | null {
  const match = /^(?:(.*):)?(\d+)$/.exec(listen);
  if (match === null) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return {
    host: match[1] === undefined || match[1] === '' ? '127.0.0.1' : match[1].replace(/^\[|\]$/g, ''),
    port,
  };
}

/** Only what cannot leave this host: 127.0.0.0/8, ::1 and `localhost` (which resolves to them). */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || host === '::ffff:127.0.0.1';
  return false;
}

export interface ApiListenSettings {
  listen: string | null;
  token: string | null;
  allowRemote: boolean;
  tls: { cert: string; key: string } | null;
}

/** One problem of `settings.api`, with the key it is about (`listen`, `token`, `tls`). */
export interface ApiSettingsProblem {
  key: 'listen' | 'token' | 'tls' | 'allow_remote';
  message: string;
}

/**
 * What keeps an API from listening on TCP: no token; and beyond loopback, no `allow_remote: true`, a
 * token shorter than 32 characters or no TLS (a bearer token over plain HTTP is readable on the wire).
 * The config's checks leave the token out (`checkToken: false`): it usually comes from the
 * environment, and `ovrseer ps` in a shell without it must still find the project. The supervisor
 * checks everything before it binds, so nothing listens half-configured.
 */
export function apiSettingsProblems(api: ApiListenSettings, checkToken = true): ApiSettingsProblem[] {
  if (api.listen === null) return [];
  const parsed = parseListen(api.listen);
  if (parsed === null)
    return [{ key: 'listen', message: `expected "host:port" or a port number, got "${api.listen}"` }];
  const token = api.token ?? '';
  if (isLoopbackHost(parsed.host)) {
    return token === '' && checkToken
      ? [
          {
            key: 'token',
            message: `settings.api.listen is ${api.listen} but the token is empty: a TCP API needs a token (set OVRSEER_TOKEN)`,
          },
        ]
      : [];
  }
  if (!api.allowRemote) {
    return [
      {
        key: 'listen',
        message: `${api.listen} is not a loopback address: the API would be reachable from other hosts; set settings.api.allow_remote: true (with a token of ${MIN_REMOTE_TOKEN_LENGTH}+ characters and tls: {cert, key}) to mean it, or listen on 127.0.0.1:${parsed.port}`,
      },
    ];
  }
  const problems: ApiSettingsProblem[] = [];
  if (checkToken && token.length < MIN_REMOTE_TOKEN_LENGTH) {
    problems.push({
      key: 'token',
      message: `a remote API (listen ${api.listen}) needs a token of at least ${MIN_REMOTE_TOKEN_LENGTH} characters, got ${token.length}; for example OVRSEER_TOKEN=${generateToken()}`,
    });
  }
  if (api.tls === null) {
    problems.push({
      key: 'tls',
      message: `a remote API (listen ${api.listen}) needs TLS: set settings.api.tls: {cert: cert.pem, key: key.pem}`,
    });
  }
  return problems;
}

/** 32 random bytes, base64url: 43 characters. */
export function generateToken(): string {
  // Loaded here, not imported: the detached supervisor must not carry crypto (~0.9 MB) for a token
  // it only generates when a config is wrong.
  const crypto = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  return crypto.randomBytes(32).toString('base64url');
}

/** The warning a remote API starts with, naming where it listens; null for loopback or no TCP. */
export function remoteWarning(api: Pick<ApiListenSettings, 'listen' | 'tls'>): string | null {
  if (api.listen === null) return null;
  const parsed = parseListen(api.listen);
  if (parsed === null || isLoopbackHost(parsed.host)) return null;
  return `warning: the API listens on ${api.listen}${api.tls === null ? '' : ' (TLS)'}, reachable from other hosts: anyone with the token can stop, start and read everything`;
}
