import { existsSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStaticFile } from '../../src/supervisor/api/static-files.js';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The log view holding a million lines (the page's most). A supervisor would take a minute to push
 * that many through one follow stream on this machine, so a stub of the API serves the built page
 * (dist/web, as the supervisor does) and streams the lines as `GET /v1/logs?follow=1&batch=1` does:
 * events of 1,000 lines. What is measured is the page: it holds them all, scrolls to the top, the
 * middle and the bottom without a long task over 200 ms, and searches them with a progress bar.
 */

const LINES = 1_000_000;
const BATCH = 1_000;
const WEB = fileURLToPath(new URL('../../dist/web/', import.meta.url));
const missing = !existsSync(CHROMIUM) && process.env.CI === undefined;

let browser: Browser | null = null;
let server: Server | null = null;
const streams = new Set<ServerResponse>();

function text(seq: number): string {
  return `line ${seq} of the flood, some ordinary payload after it`;
}

async function streamLines(response: ServerResponse): Promise<void> {
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  for (let from = 0; from < LINES && !response.destroyed; from += BATCH) {
    const batch = [];
    for (let seq = from; seq < from + BATCH; seq += 1)
      batch.push({
        time: new Date(start + seq).toISOString(),
        process: seq % 2 === 0 ? 'web' : 'worker',
        stream: seq % 10 === 0 ? 'err' : 'out',
        level: seq % 10 === 0 ? 'error' : 'info',
        text: text(seq),
        seq,
      });
    if (!response.write(`event: logs\ndata: ${JSON.stringify(batch)}\n\n`))
      await new Promise((resolve) => response.once('drain', resolve));
  }
}

function sse(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
  streams.add(response);
  response.on('close', () => streams.delete(response));
}

beforeAll(async () => {
  if (missing) return;
  browser = await launchChromium();
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/v1/events') {
      sse(response);
      response.write('event: rows\ndata: []\n\n');
    } else if (url.pathname === '/v1/logs' && url.searchParams.get('follow') === '1') {
      sse(response);
      void streamLines(response);
    } else if (url.pathname.startsWith('/v1/')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[]');
    } else {
      void readStaticFile(WEB, url.pathname).then((file) => {
        response.writeHead(file === null ? 404 : 200, { 'content-type': file?.type ?? 'text/plain' });
        response.end(file?.body ?? 'not found');
      });
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const response of streams) response.destroy();
  await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
  await browser?.close();
});

describe.skipIf(missing)('the log view with a million lines', () => {
  it('holds 1,000,000 lines; scrolls to the top, middle and bottom with no long task over 200 ms; searches them', async () => {
    if (browser === null || server === null) throw new Error('no browser or server');
    const { port } = server.address() as AddressInfo;
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`http://127.0.0.1:${port}/#logs`);
    await page.locator(`.logs [data-count="${LINES}"]`).waitFor({ timeout: 150_000 });
    await page.getByRole('button', { name: 'following' }).click();
    await page.evaluate(`
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: false });
    `);
    const scroller = page.locator('.log-scroll');
    // Near `seq`: rows measured taller or shorter than estimated move what sits at half the height
    // by a few rows; a broken scroll is hundreds of thousands of lines off.
    const shows = async (seq: number): Promise<boolean> =>
      (await page.locator('.log-line .text').allTextContents()).some((shown) => {
        const number = Number(/^line (\d+) of/.exec(shown)?.[1] ?? Number.NaN);
        return Math.abs(number - seq) <= 1000;
      });
    for (const [where, seq] of [
      ['top', 0],
      ['middle', LINES / 2],
      ['bottom', LINES - 1],
    ] as const) {
      await page.evaluate(`{
        const box = document.querySelector('.log-scroll');
        box.scrollTop = ${where === 'top' ? '0' : where === 'middle' ? 'box.scrollHeight / 2' : 'box.scrollHeight'};
      }`);
      await waitFor(() => shows(seq), `line ${seq} shown at the ${where}`);
      // And a few turns of the wheel from there, as someone reading would.
      await scroller.hover();
      for (let turn = 0; turn < 5; turn += 1) await page.mouse.wheel(0, where === 'bottom' ? -600 : 600);
    }
    const scrolling = (await page.evaluate('window.__longTasks')) as number[];

    // A search over all of them: the progress bar while it runs, then only the matching line.
    await page.evaluate('window.__longTasks = []');
    await page.getByLabel('search logs').fill('line 777777 of');
    await page.locator(`.logs [data-count="1"]`).waitFor({ timeout: 30_000 });
    await page.locator('.log-line mark', { hasText: 'line 777777 of' }).waitFor();
    const searching = (await page.evaluate('window.__longTasks')) as number[];
    console.log(
      `log view, 1 M lines: long tasks while scrolling ${scrolling.length} (longest ${Math.round(Math.max(0, ...scrolling))} ms), while searching ${searching.length} (longest ${Math.round(Math.max(0, ...searching))} ms)`,
    );
    expect(Math.max(0, ...scrolling)).toBeLessThan(200);
    expect(Math.max(0, ...searching)).toBeLessThan(200);
    await context.close();
  }, 240_000);
});
