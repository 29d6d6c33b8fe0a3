// Bounded parallelism: run an async step over many items with a few dozen
// in flight (the sim's start-up requests, a dead node's pod status writes).

/** Runs `fn` over `items` with at most `limit` at once; rejects with the first failure. */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
