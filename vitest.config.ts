import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Supervisors started by tests register in a registry of the test run, never in the user's
// (`ovrseer ls` on this machine must not list them, nor a SIGKILL test leave entries there).
const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'ovrseer-test-state-')) };

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          environment: 'node',
          env,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          env,
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Real processes and real signals: one file at a time keeps process-tree assertions honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
