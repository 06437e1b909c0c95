import { describe, expect, it } from 'vitest';
import type { ApiBackend } from '../../../src/supervisor/api/backend.js';
import { createApp } from '../../../src/supervisor/api/routes.js';

describe('a bad process name in the path', () => {
  it('is answered in our words, naming the path rather than a body', async () => {
    const app = createApp({ reportError: () => undefined } as unknown as ApiBackend, null);
    const response = await app.request('/v1/processes/a%20b/stop', { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'OVRSEER_USAGE',
        message:
          'process name in the path: expected a name such as api or worker.2 (letters, digits, "_" and "-", then ".N" for a replica), got "a b"',
      },
    });
  });
});
