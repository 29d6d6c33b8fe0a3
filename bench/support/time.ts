// Time helpers for benchmarks that compare timestamps taken in different
// processes: the wall clock at sub-millisecond precision, a sleep, and a
// bounded poll.

/** Wall-clock ms at µs precision (performance.timeOrigin + performance.now()): comparable across processes. */
export const wallMs = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it returns a value; undefined after `timeoutMs`. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 5): Promise<T | undefined> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (performance.now() > end) return undefined;
    await sleep(everyMs);
  }
}
