import { spawn } from 'node:child_process';
import { shQuote } from '../../shell-quote.js';

/**
 * Whether a browser can be opened here: `$BROWSER` names one, or there is a display (X11, Wayland),
 * or this is macOS or Windows, which always have one. Over SSH without a display: no.
 */
export function canOpenBrowser(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if ((env.BROWSER ?? '') !== '') return true;
  if (platform === 'darwin' || platform === 'win32') return true;
  return (env.DISPLAY ?? '') !== '' || (env.WAYLAND_DISPLAY ?? '') !== '';
}

/** The command that opens `url`: `$BROWSER` (as Python's webbrowser reads it), else the platform's opener. */
export function browserCommand(
  url: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): [string, string[]] {
  const browser = (env.BROWSER ?? '').split(':')[0]?.trim() ?? '';
  if (browser !== '')
    return browser.includes('%s')
      ? ['/bin/sh', ['-c', browser.replace('%s', shQuote(url))]]
      : [browser, [url]];
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '', url]];
  return ['xdg-open', [url]];
}

/**
 * Opens `url` in the user's browser, detached (closing the browser is not our business, nor is its
 * output). A browser that cannot be started is `onFailure`'s to tell: the URL is printed anyway.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv, onFailure: (message: string) => void): void {
  const [command, args] = browserCommand(url, env);
  const child = spawn(command, args, { detached: true, stdio: 'ignore', env });
  child.on('error', (error) => onFailure(`could not open a browser (${command}): ${error.message}`));
  child.unref();
}
