const WIDTH = 60;
const HEIGHT = 16;

/**
 * The polyline of the last 60 values (null gaps skipped), or '' with fewer than two. A string, so a
 * row whose chart did not change compares equal and is not rendered again.
 */
export function sparkPath(values: readonly (number | null)[], width = WIDTH, height = HEIGHT): string {
  const points = values.slice(-60);
  const numbers = points.filter((value): value is number => value !== null);
  if (numbers.length < 2) return '';
  const max = Math.max(...numbers, 1e-9);
  const step = width / Math.max(1, points.length - 1);
  return points
    .map((value, index) =>
      value === null
        ? null
        : `${(index * step).toFixed(1)},${(height - 1 - (value / max) * (height - 2)).toFixed(1)}`,
    )
    .filter((point) => point !== null)
    .join(' ');
}

/** A tiny inline chart drawn from `sparkPath`: cheap enough for 100 rows every 2 s. */
export function Sparkline({ path }: { path: string }) {
  return (
    <svg className="spark" width={WIDTH} height={HEIGHT} aria-hidden="true">
      {path !== '' && <polyline points={path} fill="none" stroke="currentColor" strokeWidth="1" />}
    </svg>
  );
}
