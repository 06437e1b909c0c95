import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented bearer token with the configured one in constant time. Both are first hashed
 * with a per-process key, so neither their contents nor their lengths leak through timing.
 */
export function createTokenCheck(expected: string): (presented: string | undefined) => boolean {
  const key = randomBytes(32);
  const digest = (value: string): Buffer => createHmac('sha256', key).update(value).digest();
  const expectedDigest = digest(expected);
  return (presented) => {
    if (presented === undefined) return false;
    return timingSafeEqual(digest(presented), expectedDigest);
  };
}
