/**
 * Whether `ovrseer up` shows the TUI: only on an interactive terminal (stdin and stdout both TTYs),
 * not with `--no-tui`, and not under CI (`CI` set to anything but `0`/`false`, as CI systems and
 * ink itself read it) where a full-screen UI would only fill the log with escape codes.
 */
export function shouldUseTui(
  requested: boolean | undefined,
  stdout: { isTTY?: boolean },
  stdin: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (requested === false) return false;
  if (stdout.isTTY !== true || stdin.isTTY !== true) return false;
  return !isCi(env);
}

export function isCi(env: NodeJS.ProcessEnv): boolean {
  const set = (name: string): boolean => {
    const value = env[name];
    return value !== undefined && value !== '0' && value !== 'false';
  };
  return set('CI') || set('CONTINUOUS_INTEGRATION');
}
