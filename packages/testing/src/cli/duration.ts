/** A duration for people: `45s`, `4m 10s`, `1h 49m`, `3d 2h` (two units at most, rounded down). */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const units: readonly [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  for (let i = 0; i < units.length; i++) {
    const [size, name] = units[i] as [number, string];
    if (seconds < size && i < units.length - 1) continue;
    const whole = Math.floor(seconds / size);
    const next = units[i + 1];
    const rest = next === undefined ? 0 : Math.floor((seconds - whole * size) / next[0]);
    return rest > 0 && next !== undefined ? `${whole}${name} ${rest}${next[1]}` : `${whole}${name}`;
  }
  return '0s';
}
