// Slow-start batches (pkg/controller's slowStartBatch): `count` calls in
// batches of 1, 2, 4, … so that a call that fails (quota, an invalid
// template, a terminating namespace) fails once, not `count` times. Stops
// after the first batch with a failure; returns how many calls succeeded and
// the first error.

export async function slowStartBatch(count: number, initial: number, fn: (i: number) => Promise<void>): Promise<{ succeeded: number; error: unknown }> {
  let remaining = count;
  let done = 0;
  let batch = Math.min(remaining, Math.max(1, initial));
  while (batch > 0) {
    const start = done;
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, k) => fn(start + k)));
    let failure: unknown;
    let ok = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') ok++;
      else if (failure === undefined) failure = r.reason;
    }
    done += ok;
    if (failure !== undefined) return { succeeded: done, error: failure };
    remaining -= batch;
    batch = Math.min(2 * batch, remaining);
  }
  return { succeeded: done, error: undefined };
}
