import { DashboardForwarder, type ForwarderOptions } from './forwarder.js';
import { canOpenBrowser, openBrowser } from './open-browser.js';

export interface ServeDashboardOptions extends ForwarderOptions {
  /** `--no-open` sets it false; a browser opens only where one can (see `canOpenBrowser`). @default true */
  open?: boolean;
  /** Where the URL is printed. @default process.stderr */
  out?: NodeJS.WritableStream;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface ServedDashboard {
  url: string;
  close(): Promise<void>;
}

/** Starts the dashboard's server, prints its URL (with the token) and opens the browser on it. */
export async function serveDashboard(options: ServeDashboardOptions): Promise<ServedDashboard> {
  const out = options.out ?? process.stderr;
  const env = options.env ?? process.env;
  const forwarder = new DashboardForwarder(options);
  const url = await forwarder.listen();
  out.write(`dashboard: ${url}\n`);
  if (options.open !== false && canOpenBrowser(env))
    openBrowser(url, env, (message) => out.write(`dashboard: ${message}; open the URL above yourself\n`));
  return { url, close: () => forwarder.close() };
}
