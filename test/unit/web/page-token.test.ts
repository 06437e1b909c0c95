import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cookieValue,
  queryToken,
  tokenCookie,
  withoutToken,
} from '../../../src/supervisor/api/page-token.js';
import { readStaticFile } from '../../../src/supervisor/api/static-files.js';
import { browserCommand, canOpenBrowser } from '../../../src/web/server/open-browser.js';

describe('the page token', () => {
  it('reads one cookie among others, decoded', () => {
    expect(cookieValue('a=1; ovrseer_token=x%2By; b=2', 'ovrseer_token')).toBe('x+y');
    expect(cookieValue('ovrseer_tokenx=1', 'ovrseer_token')).toBeUndefined();
    expect(cookieValue(undefined, 'ovrseer_token')).toBeUndefined();
    expect(cookieValue('ovrseer_token=%E0%A4%A', 'ovrseer_token')).toBe('%E0%A4%A');
  });

  it('takes the token out of the URL, keeping the rest', () => {
    expect(queryToken('/?token=abc&x=1')).toBe('abc');
    expect(queryToken('/')).toBeUndefined();
    expect(withoutToken('/?token=abc')).toBe('/');
    expect(withoutToken('/?x=1&token=abc&y=2')).toBe('/?x=1&y=2');
    expect(tokenCookie('a b')).toBe('ovrseer_token=a%20b; Path=/; HttpOnly; SameSite=Strict');
  });
});

describe('the page files', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('serves index.html at / and assets by name, never anything outside the directory', async () => {
    root = mkdtempSync(join(tmpdir(), 'ovrseer-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<html>');
    writeFileSync(join(root, 'assets', 'main-1.js'), 'js');
    writeFileSync(join(root, 'secret.txt'), 'no');
    expect(await readStaticFile(root, '/')).toMatchObject({
      type: 'text/html; charset=utf-8',
      immutable: false,
    });
    const asset = await readStaticFile(root, '/assets/main-1.js');
    expect(asset?.body.toString()).toBe('js');
    expect(asset).toMatchObject({ type: 'text/javascript; charset=utf-8', immutable: true });
    for (const path of [
      '/assets/../secret.txt',
      '/assets/%2e%2e/secret.txt',
      '/assets/',
      '/assets/x%00',
      '/assets/%E0%A4%A',
      '/secret.txt',
      '/assets/missing.js',
    ])
      expect(await readStaticFile(root, path), path).toBeNull();
  });
});

describe('opening a browser', () => {
  it('only with $BROWSER, a display, or on macOS and Windows', () => {
    expect(canOpenBrowser({}, 'linux')).toBe(false);
    expect(canOpenBrowser({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(canOpenBrowser({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(canOpenBrowser({ BROWSER: 'firefox' }, 'linux')).toBe(true);
    expect(canOpenBrowser({}, 'darwin')).toBe(true);
  });

  it('runs $BROWSER (its first entry; %s is the URL), else the platform opener', () => {
    expect(browserCommand('http://x/', { BROWSER: 'firefox:chromium' }, 'linux')).toEqual([
      'firefox',
      ['http://x/'],
    ]);
    expect(browserCommand('http://x/?token=a&b', { BROWSER: 'w3m %s' }, 'linux')).toEqual([
      '/bin/sh',
      ['-c', "w3m 'http://x/?token=a&b'"],
    ]);
    expect(browserCommand('http://x/', {}, 'linux')).toEqual(['xdg-open', ['http://x/']]);
    expect(browserCommand('http://x/', {}, 'darwin')).toEqual(['open', ['http://x/']]);
  });
});
