import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportProject } from '../../../src/export/index.js';
import { expectGolden, OPTIONS, shopSpec, specFrom } from './helpers.js';

describe('export layout (golden files)', () => {
  for (const format of EXPORT_FORMATS) {
    it(`writes the shop project for ${format} as in fixtures/export/golden/${format}`, async () => {
      expectGolden(await exportProject(shopSpec(), format, OPTIONS));
    });
  }

  it('names the files after the project, or --app', async () => {
    const systemd = await exportProject(shopSpec(), 'systemd', { ...OPTIONS, app: 'Shop Front!' });
    expect(systemd.files.map((file) => file.name)).toContain('Shop-Front.target');
    const kubernetes = await exportProject(shopSpec(), 'kubernetes', { ...OPTIONS, app: 'Shop_Front' });
    expect(kubernetes.files.map((file) => file.name)).toContain('shop-front.configmap.yaml');
  });

  it('refuses an unknown format', async () => {
    await expect(exportProject(shopSpec(), 'upstart', OPTIONS)).rejects.toThrow(
      'unknown export format "upstart": expected one of systemd, supervisord, compose, kubernetes',
    );
  });
});

describe('export names', () => {
  it('refuses two files with one name (a replica unit and a process named like it)', async () => {
    const spec = specFrom(
      'version: 1\nname: p\nprocesses:\n  web: { command: ./w, replicas: 2 }\n  web-2: { command: ./x }\n',
    );
    await expect(exportProject(spec, 'systemd', OPTIONS)).rejects.toThrow(
      'two files would be named p-web-2.service (a process name clashes with a replica',
    );
  });

  it('refuses two Kubernetes objects with one name (names are lowercase there)', async () => {
    const spec = specFrom(
      'version: 1\nname: p\nprocesses:\n  Api: { command: ./a }\n  api: { command: ./b }\n',
    );
    await expect(exportProject(spec, 'kubernetes', OPTIONS)).rejects.toThrow(
      'two objects would be named Deployment/p-api',
    );
  });

  it('lists what did not translate process by process, in the order of the config', async () => {
    const result = await exportProject(shopSpec(), 'compose', OPTIONS);
    const order = result.notTranslated.map((note) => note.key.split('.')[1]);
    const names = shopSpec().processes.map((p) => p.name);
    expect(order.map((name) => names.indexOf(name ?? ''))).toEqual(
      [...order.map((name) => names.indexOf(name ?? ''))].sort((a, b) => a - b),
    );
  });
});
