import { describe, expect, it } from 'vitest';
import {
  configuredEnv,
  DOTENV_FORMAT,
  envFiles,
  envLayout,
  SYSTEMD_FORMAT,
} from '../../../src/export/env.js';
import { specFrom } from './helpers.js';

const spec = specFrom(`
version: 1
env: { LOG_LEVEL: info, API_KEY: k1 }
processes:
  api:
    command: node api.js
    port: 3000
    env: { DB_PASSWORD: "it's", MODE: fast, PORT: "9999", PS: custom }
  worker:
    command: node worker.js
    env: { MODE: slow, QUEUE_TOKEN: t0k3n }
`);

describe('env layout', () => {
  it('drops what ovrseer sets over the config at spawn: PS, and PORT when there is a port', () => {
    const [api, worker] = spec.processes;
    expect(api && configuredEnv(api)).not.toHaveProperty('PORT');
    expect(api && configuredEnv(api)).not.toHaveProperty('PS');
    expect(worker && configuredEnv(worker)).toMatchObject({ LOG_LEVEL: 'info' });
  });

  it('shares what every process has with the same value, and keeps secret-looking keys apart', () => {
    const layout = envLayout(spec.processes);
    expect(layout.shared).toEqual({ LOG_LEVEL: 'info', API_KEY: 'k1' });
    expect(layout.own.get('api')).toEqual({ plain: { MODE: 'fast' }, secret: { DB_PASSWORD: "it's" } });
    expect(layout.own.get('worker')).toEqual({ plain: { MODE: 'slow' }, secret: { QUEUE_TOKEN: 't0k3n' } });
  });

  it('writes env files at 0600; what a format cannot hold stays inline', () => {
    const compose = envFiles(spec.processes, 'shop', DOTENV_FORMAT);
    expect(compose.files.map((file) => [file.name, file.mode])).toEqual([
      ['shop.env', 0o600],
      ['shop-worker.env', 0o600],
    ]);
    expect(compose.refs.get('api')).toEqual(['shop.env']);
    expect(compose.refs.get('worker')).toEqual(['shop.env', 'shop-worker.env']);
    // A single quote does not fit a dotenv/compose env file.
    expect(compose.inline.get('api')).toEqual({ MODE: 'fast', DB_PASSWORD: "it's" });
    const systemd = envFiles(spec.processes, 'shop', SYSTEMD_FORMAT);
    expect(systemd.refs.get('api')).toEqual(['shop.env', 'shop-api.env']);
    expect(systemd.inline.get('api')).toEqual({ MODE: 'fast' });
  });

  it('quotes values the way each reader reads them back', () => {
    expect(DOTENV_FORMAT.line('A', 'plain/value-1')).toBe('A=plain/value-1');
    expect(DOTENV_FORMAT.line('A', 'two words $HOME')).toBe("A='two words $HOME'");
    expect(DOTENV_FORMAT.fits('A', 'line\nbreak')).toBe(false);
    expect(SYSTEMD_FORMAT.fits('A', "it's\nmulti")).toBe(true);
    expect(SYSTEMD_FORMAT.line('A', 'line\nbreak')).toBe("A='line\nbreak'");
    expect(SYSTEMD_FORMAT.line('A', `it's "$x" \\ \``)).toBe('A="it\'s \\"\\$x\\" \\\\ \\`"');
  });
});
