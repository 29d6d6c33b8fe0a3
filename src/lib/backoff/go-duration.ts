// Go's time.Duration.String() for whole milliseconds, so the messages hale
// copies from the kubelet ("back-off 1m0s restarting failed container=…")
// read exactly as a Kubernetes user knows them.
//
// Invariants: 0 → "0s"; below one second the unit is "ms"; from one second
// up the form is [Nh][Nm]S[.fff]s with trailing fraction zeros dropped and
// the minutes and seconds always present once a larger unit is ("1h0m0s").

export function formatGoDuration(ms: number): string {
  let total = Math.round(ms);
  if (total === 0) return '0s';
  const sign = total < 0 ? '-' : '';
  total = Math.abs(total);
  if (total < 1000) return `${sign}${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const millis = total % 60_000;
  const whole = Math.floor(millis / 1000);
  const frac = millis % 1000;
  const seconds = frac === 0 ? `${whole}` : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
