// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../../src/config/import/formats.js';
import { renderOvrseerYaml } from '../../../src/config/import/render-yaml.js';
import { formatDuration, formatSize } from '../../../src/config/import/to-canonical.js';
import { parseProjectText } from '../../../src/config/load.js';
import type { ProcessSpec } from '../../../src/config/spec.js';
import { fixtureCopy, IMPORT_FIXTURES, importFile, load, proc, tempDir } from './helpers.js';

describe('writing values back', () => {
  it.each([
    [0, 0],
    [250, '250ms'],
    [1000, '1s'],
    [1500, '1500ms'],
    [90_000, '90s'],
    [120_000, '2m'],
    [7_200_000, '2h'],
  ])('duration %d → %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [512, 512],
    [2048, '2KB'],
    [300 * 1024 * 1024, '300MB'],
    [1024 ** 3, '1GB'],
    [1536 * 1024 * 1024, '1536MB'],
  ])('size %d → %j', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

/** init's file, read back: the same processes as running the source directly. */
function roundTrip(
  dir: string,
  file: string,
  options: { shell?: NodeJS.ProcessEnv; envName?: string } = {},
): { text: string; written: ProcessSpec[]; direct: ProcessSpec[]; exits: [unknown, unknown] } {
  const shell = options.shell ?? {};
  const outcome = importFile(dir, file, { mode: 'init', shell });
  const text = renderOvrseerYaml(outcome.imported, {
    source: file,
    envFiles: outcome.defaultEnvFiles,
    envDialect: FORMATS[outcome.imported.format].envFiles.dialect,
    envInterpolationOnly: FORMATS[outcome.imported.format].envFiles.interpolationOnly,
    schema: null,
  });
  const writtenSpec = parseProjectText(text, {
    file: 'ovrseer.yml',
    dir,
    env: shell,
    ...(options.envName === undefined ? {} : { envName: options.envName }),
  });
  const directSpec = load(dir, file, {
    env: shell,
    ...(options.envName === undefined ? {} : { envName: options.envName }),
  });
  return {
    text,
    written: writtenSpec.processes,
    direct: directSpec.processes,
    exits: [writtenSpec.exit, directSpec.exit],
  };
}

const withoutCommands = (processes: ProcessSpec[]) => processes.map(({ command: _, ...rest }) => rest);

describe('ovrseer init output reads back as the same project', () => {
  it('Procfile: ports written out, .env as env_file, comments with the source line', () => {
    const { text, written, direct, exits } = roundTrip(`${IMPORT_FIXTURES}procfile`, 'Procfile');
    expect(written).toEqual(direct);
    // foreman's rule (any process that ends stops all) is written as `exit:` and read back the same.
    expect(exits[0]).toEqual({
      stopOn: { web: ['end'], worker: ['end'], release: ['end'], clock: ['end'] },
      codeFrom: null,
    });
    expect(exits[1]).toMatchObject(exits[0] as object);
    // Read by foreman's rules in both: `#` is not a comment there.
    expect(direct[0]?.env.NOTE).toBe('kept # as foreman writes it');
    expect(text).toContain('env_file:\n  - {path: .env, format: foreman}\n');
    expect(text).toContain('  # from Procfile line 2\n  web:\n');
    expect(text.startsWith('# ovrseer.yml, written by `ovrseer init` from Procfile.\n')).toBe(true);
  });

  it('pm2: environments written, and --env chooses one as pm2 does', () => {
    const dir = `${IMPORT_FIXTURES}pm2`;
    const plain = roundTrip(dir, 'ecosystem.config.js');
    expect(plain.written).toEqual(plain.direct);
    const production = roundTrip(dir, 'ecosystem.config.js', { envName: 'production' });
    expect(production.written).toEqual(production.direct);
    expect(plain.text).toContain('# not translated: apps[0].wait_ready:');
    expect(plain.text).toContain('# Not translated:\n#   deploy: deployment is out of scope for ovrseer');
  });

  it('package.json with workspaces', () => {
    const { written, direct } = roundTrip(`${IMPORT_FIXTURES}package-json`, 'package.json');
    expect(written).toEqual(direct);
  });

  it('compose: same processes; commands keep ${VAR} for the shell', () => {
    const { text, written, direct, exits } = roundTrip(`${IMPORT_FIXTURES}compose`, 'docker-compose.yml', {
      shell: { DB_PASSWORD: 'pw' },
    });
    expect(withoutCommands(written)).toEqual(withoutCommands(direct));
    // compose's rule: a dependency that failed to start ends `up` with an error; written as exit.stop_on.
    expect(exits[1]).toMatchObject({ stopOn: { api: ['skipped'] } });
    expect(exits[0]).toMatchObject({ stopOn: (exits[1] as { stopOn: object }).stopOn, codeFrom: null });
    expect(proc({ processes: written } as never, 'api').command).toEqual(
      proc({ processes: direct } as never, 'api').command,
    );
    expect(text).toContain('POSTGRES_PASSWORD: ${DB_PASSWORD-}');
    expect(text).not.toContain('pw');
  });

  it("compose: the project .env feeds ${VAR} in the file but is not the processes' environment", () => {
    const dir = tempDir({
      '.env': 'LOG_LEVEL=debug\nIMAGE_TAG=7\n',
      'compose.yaml':
        'services:\n  migrate:\n    command: [sh, -c, "echo level=$$LOG_LEVEL"]\n    environment:\n      TAG: ${IMAGE_TAG}\n',
    });
    const { text, written, direct } = roundTrip(dir, 'compose.yaml');
    expect(direct[0]?.env).toEqual({ TAG: '7' });
    expect(written).toEqual(direct);
    expect(text).toContain('{path: .env, format: compose, interpolation_only: true}');
  });

  it('compose: an unset ${VAR} in environment is blank in both, not an error in ovrseer.yml', () => {
    const dir = tempDir({
      'compose.yaml':
        'services:\n  app:\n    command: [run-app]\n    environment:\n      SENTRY_DSN: ${SENTRY_DSN}\n      URL: http://$HOST:${PORT:-80}\n      PRICE: $$5\n',
    });
    const { text, written, direct } = roundTrip(dir, 'compose.yaml');
    expect(direct[0]?.env).toEqual({ SENTRY_DSN: '', URL: 'http://:80', PRICE: '$5' });
    expect(written).toEqual(direct);
    expect(text).toContain('SENTRY_DSN: ${SENTRY_DSN-}');
    const withShell = roundTrip(dir, 'compose.yaml', { shell: { SENTRY_DSN: 'https://k@s', HOST: 'h' } });
    expect(withShell.written).toEqual(withShell.direct);
    expect(withShell.text).not.toContain('https://k@s');
  });

  it('process-compose: same processes', () => {
    const { written, direct } = roundTrip(`${IMPORT_FIXTURES}process-compose`, 'process-compose.yaml');
    expect(withoutCommands(written)).toEqual(withoutCommands(direct));
  });

  it('values from formats without interpolation stay literal ($ escaped in ovrseer.yml)', () => {
    const dir = tempDir({
      'ecosystem.config.cjs':
        "module.exports = { apps: [{ name: 'a', script: 'a.js', args: '${NOT_A_VAR}', env: { PRICE: '$$5', TPL: '${X}' } }] };",
    });
    const { text, written, direct } = roundTrip(dir, 'ecosystem.config.cjs');
    expect(text).toContain('PRICE: $$$$5');
    expect(text).toContain('TPL: $${X}');
    expect(written).toEqual(direct);
    expect(written[0]?.env).toEqual({ PRICE: '$$5', TPL: '${X}' });
  });

  it('a Procfile beside a .env with PORT keeps the same ports', () => {
    const dir = fixtureCopy('procfile');
    const { written } = roundTrip(dir, 'Procfile', { shell: { PORT: '9000' } });
    expect(written.map((p) => p.port)).toEqual([9000, 9100, 9200, 9300]);
  });
});
