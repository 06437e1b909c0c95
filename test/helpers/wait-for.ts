/** Polls `predicate` until it holds; fails with `message` after `timeout` ms. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  message: string,
  { timeout = 10_000, interval = 20 }: { timeout?: number; interval?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout}ms waiting for: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
