import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StartProgress } from '../../../src/cli/commands/start-progress.js';

function output(isTTY: boolean): PassThrough & { isTTY: boolean; text(): string } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return Object.assign(stream, { text: () => text });
}

describe('StartProgress', () => {
  it('rewrites one line on a terminal and clears it at the end', async () => {
    const out = output(true);
    const progress = new StartProgress(out);
    progress.show({ total: 800, started: 12, signature: 'a' });
    progress.show({ total: 800, started: 412, signature: 'b' });
    progress.clear();
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.text()).toBe(
      '\r\u001b[Kstarting: 12/800 started\r\u001b[Kstarting: 412/800 started\r\u001b[K',
    );
  });

  it('writes nothing when the output is not a terminal', async () => {
    const out = output(false);
    const progress = new StartProgress(out);
    progress.show({ total: 800, started: 12, signature: 'a' });
    progress.clear();
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.text()).toBe('');
  });
});
