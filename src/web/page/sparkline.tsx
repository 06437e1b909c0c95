/** A tiny inline chart of the last values (null gaps skipped): cheap enough for 100 rows every 2 s. */
export function Sparkline({
  values,
  width = 60,
  height = 16,
}: {
  values: (number | null)[];
  width?: number;
  height?: number;
}) {
  const points = values.slice(-60);
  const numbers = points.filter((value): value is number => value !== null);
  if (numbers.length < 2) return <svg className="spark" width={width} height={height} aria-hidden="true" />;
  const max = Math.max(...numbers, 1e-9);
  const step = width / Math.max(1, points.length - 1);
  const path = points
    .map((value, index) =>
      value === null
        ? null
        : `${(index * step).toFixed(1)},${(height - 1 - (value / max) * (height - 2)).toFixed(1)}`,
    )
    .filter((point) => point !== null)
    .join(' ');
  return (
    <svg className="spark" width={width} height={height} aria-hidden="true">
      <polyline points={path} fill="none" stroke="currentColor" strokeWidth="1" />
    </svg>
  );
}
