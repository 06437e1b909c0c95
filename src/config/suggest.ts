function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

// `dependsOn`, `depends-on` and `DEPENDS_ON` all mean `depends_on`: compare without case or separators.
function fold(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** The closest candidate, if it is close enough to be a plausible typo. */
export function closest(input: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  const folded = fold(input);
  for (const candidate of candidates) {
    const distance = levenshtein(folded, fold(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(folded.length / 3));
  return bestDistance <= allowed ? best : null;
}

/** ` (did you mean 'command'?)`, or an empty string when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closest(input, candidates);
  return match === null ? '' : ` (did you mean '${match}'?)`;
}
