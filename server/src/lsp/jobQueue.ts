// A small limiter for expensive jobs (heat-map worker threads, ~90 MB each): at most `running`
// at once and `queued` waiting; beyond that a job is refused at once with "busy", so a burst of
// requests neither exhausts memory nor makes queued jobs look like they hang.
export class JobQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly maxRunning: number, private readonly maxQueued: number) {}

  /** Runs `job` when a slot frees; resolves with `busy()` when the queue is full. */
  run<T>(job: () => Promise<T>, busy: () => T): Promise<T> {
    if (this.active >= this.maxRunning && this.waiting.length >= this.maxQueued) return Promise.resolve(busy());
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.active++;
        job().then(resolve, reject).finally(() => {
          this.active--;
          this.waiting.shift()?.();
        });
      };
      if (this.active < this.maxRunning) start();
      else this.waiting.push(start);
    });
  }

  get running(): number { return this.active; }
  get queued(): number { return this.waiting.length; }
}
