// strconv.ParseInt(s, 10, 64) for the Gt/Lt label operators: an optional sign,
// decimal digits only, and the int64 range. Anything else is "not an integer"
// (Kubernetes then fails validation, or the label simply does not match).

const DECIMAL = /^[+-]?[0-9]+$/;
const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

export function parseInt64(s: string): bigint | undefined {
  if (!DECIMAL.test(s)) return undefined;
  const n = BigInt(s);
  return n < MIN || n > MAX ? undefined : n;
}
