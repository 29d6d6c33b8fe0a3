// IntOrString values scaled against a total (intstr.GetScaledValueFromIntOrPercent):
// maxSurge, maxUnavailable, minAvailable. An int is taken as is; "N%" is N % of
// the total, rounded up or down as the caller's rule says.

/** Throws with Kubernetes' message for a string that is not a percentage. */
export function scaledValue(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw new Error('invalid value for IntOrString: invalid type: string is not a percentage');
  const body = v.slice(0, -1);
  if (!/^[+-]?[0-9]+$/.test(body)) throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}: strconv.Atoi: parsing ${JSON.stringify(body)}: invalid syntax`);
  const exact = (Number.parseInt(body, 10) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** For fields validation has already checked: unset or malformed counts as 0. */
export function scaledValueOrZero(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  try {
    return scaledValue(v, total, roundUp);
  } catch (err) {
    // Only the malformed-value errors above can reach here; validation refuses such values before they are stored.
    if (err instanceof Error && err.message.startsWith('invalid value for IntOrString')) return 0;
    throw err;
  }
}
