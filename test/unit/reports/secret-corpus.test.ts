import { describe, expect, it } from 'vitest';
import { createTextRedactor, REDACTED, redactReportData } from '../../../src/reports/redact.js';

/**
 * Secret shapes a report must never carry, whatever name or flag holds them. Each: the text as a
 * process or config would have it, and the part that must be gone. (Made-up values of real formats.)
 */
const SECRETS: Array<[string, string, string]> = [
  [
    'Stripe live key under a plain name',
    'STRIPE_SK=sk_live_51H8abcDEFghiJKLmnoPQR',
    '51H8abcDEFghiJKLmnoPQR',
  ],
  ['Stripe test key in a line', 'charging with sk_test_4eC39HqLyjWDarjtT1zdp7dc', '4eC39HqLyjWDarjtT1zdp7dc'],
  ['Stripe restricted key', 'key rk_live_abcdefghijklmnop1234 loaded', 'abcdefghijklmnop1234'],
  ['AWS access key id', 'using AKIAIOSFODNN7EXAMPLE for s3', 'IOSFODNN7EXAMPLE'],
  ['AWS temporary key id', 'ASIAY34FZKBOKMUTVV7A expires soon', 'Y34FZKBOKMUTVV7A'],
  ['GitHub personal token', 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ'],
  ['GitHub OAuth token', 'remote: gho_16C7e42F292c6912E7710c838347Ae178B4a', '16C7e42F292c6912E771'],
  ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrst', '11ABCDEFG0123456789'],
  ['GitHub app token', 'ghs_1234567890abcdefghijABCDEFGHIJ', '1234567890abcdefghij'],
  ['Slack bot token', 'SLACK=xoxb-123456789012-1234567890123-AbCdEfGhIjKl', '123456789012-1234567890123'],
  ['Slack user token', 'xoxp-2222222222-3333333333-abcdefabcdef', '2222222222-3333333333'],
  ['Slack webhook', 'POST https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX', 'T0000/B0000/XXXX'],
  [
    'JWT',
    'session eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0',
    'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
  ],
  ['JWT with no signature', 'eyJhbGciOiJub25lIn0.eyJ1c2VyIjoiYm9iIn0.', 'eyJ1c2VyIjoiYm9iIn0'],
  ['URL password', 'DATABASE_URL=postgres://admin:s3cr3tP4ss@db.internal:5432/app', 's3cr3tP4ss'],
  ['URL token as password', 'git clone https://bot:tok-9a8b7c6d@github.com/o/r', 'tok-9a8b7c6d'],
  ['--token value in a command line', 'node server.js --token tok-cmd-777 --port 3000', 'tok-cmd-777'],
  ['--token=value', 'worker --token=abc123xyz', 'abc123xyz'],
  ['--password value', 'psql --password hunter2hunter2 -h db', 'hunter2hunter2'],
  ['--secret quoted value', "app --secret 'quoted secret value'", 'quoted secret value'],
  ['--api-key value', 'cli --api-key k-9f8e7d6c5b', 'k-9f8e7d6c5b'],
  ['--auth-token value', 'agent --auth-token zz-auth-4242', 'zz-auth-4242'],
  ['Bearer header in a log line', 'Authorization: Bearer abcdef1234567890xyz', 'abcdef1234567890xyz'],
  ['Basic header', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
  ['Token header', 'Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b', '9944b09199c62bcf'],
  ['GitLab token', 'glpat-AbCdEfGhIjKlMnOpQrSt', 'AbCdEfGhIjKlMnOpQrSt'],
  [
    'npm token',
    '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789',
    'abcdefghijklmnopqrstuvwxyz0123',
  ],
  ['OpenAI-style key', 'OPENAI=sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'abcdefghijklmnopqrstuvwxyz'],
  ['Anthropic-style key', 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz', 'api03-abcdefghijklmnop'],
  ['Google API key', 'maps key AIzaSyA1234567890abcdefghijklmnopqrstuv', 'SyA1234567890abcdefghij'],
  ['SendGrid key', 'SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123', 'abcdefghijklmnopqrstuv'],
  [
    'PEM private key',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\n-----END RSA PRIVATE KEY-----',
    'MIIEowIBAAKCAQEA7bq',
  ],
  ['secret name, any value', 'API_KEY=plainvalue99', 'plainvalue99'],
  ['secret name, quoted', 'export DB_PASSWORD="a b c d"', 'a b c d'],
  ['JSON pair', '{"user":"bob","client_secret":"cs-json-0001"}', 'cs-json-0001'],
  ['query string token', 'GET /callback?access_token=t0k3n-query&state=1', 't0k3n-query'],
];

/** Texts that look a little like secrets and must come out unchanged. */
const LOOK_ALIKES: string[] = [
  'the secret garden is a book about a key and a token',
  'GET /api/users/123e4567-e89b-12d3-a456-426614174000/profile 200',
  'ovrseer version 1.2.3-beta.4 (node v20.16.0)',
  'deployed commit 3f9a2b1 to prod',
  'request id a1b2c3d4e5f6 done',
  'node --max-old-space-size=4096 server.js',
  'npm run build -- --watch',
  'docker run -p 8080:80 nginx',
  'risk_live_dashboard enabled for task_test_runner',
  'AKIA alone, AKIAB, and akiaiosfodnn7example',
  'eyJhbGciOiJIUzI1NiJ9 is only a header',
  'GET https://example.com/a@b and mailto:x@y',
  'PORT=3000 LOG_LEVEL=debug NODE_ENV=production',
  'git checkout -b feature/token-refresh',
  'ghp_short and xoxo-hugs and sk-1',
  'Bearer token expired, please log in again',
  'contact user@example.com at 2026-11-22T00:45:12.000Z',
  'image sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'pk_live_publishablekey123456 is meant to be public',
];

describe('secret corpus', () => {
  const redact = createTextRedactor([]);

  it.each(SECRETS)('redacts: %s', (_name, text, secret) => {
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
    expect(redact(out)).toBe(out);
  });

  it.each(LOOK_ALIKES)('leaves alone: %s', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('has the shapes it promises', () => {
    expect(SECRETS.length).toBeGreaterThanOrEqual(30);
    expect(LOOK_ALIKES.length).toBeGreaterThanOrEqual(15);
  });

  it('removes a --token value of a command line from the log lines too, and keys in every field', () => {
    const report = {
      spec: {
        command: { kind: 'shell', script: 'node app.js --token tok-cmd-777' },
        env: { STRIPE_SK: 'sk_live_51H8abcDEFghiJKLmnoPQR' },
      },
      env: { STRIPE_SK: 'sk_live_51H8abcDEFghiJKLmnoPQR' },
      lines: [{ text: 'started with tok-cmd-777' }, { text: 'error: key sk_live_51H8abcDEFghiJKLmnoPQR' }],
      reason: 'exited: AKIAIOSFODNN7EXAMPLE rejected',
    };
    const json = JSON.stringify(redactReportData(report));
    for (const secret of ['tok-cmd-777', '51H8abcDEFghiJKLmnoPQR', 'IOSFODNN7EXAMPLE']) {
      expect(json).not.toContain(secret);
    }
    expect(json).toContain('STRIPE_SK');
  });
});
