// A counting semaphore for API writes: the sim holds thousands of nodes in one
// process, and firing every due pod transition at once would open as many
// requests as there are pods; an event recorder posts several events at a
// time, not thousands. At most `max` run at a time; the rest wait in arrival
// order.

export class WriteLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new Error(`write limit ${max}: expected ≥ 1`);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A waiter is handed the finishing run's slot (active stays as it is), so
    // a newcomer arriving between the hand-over and the waiter's wake-up
    // cannot take it too.
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
