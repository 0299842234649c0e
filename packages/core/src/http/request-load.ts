/**
 * The requests this process is serving right now, so that background work in the same process
 * (the job worker) can give way to them: a request waits on the CPU it shares with the worker.
 */
export class RequestLoad {
  #inFlight = 0;
  #onIdle: Array<() => void> = [];

  get inFlight(): number {
    return this.#inFlight;
  }

  enter(): void {
    this.#inFlight++;
  }

  leave(): void {
    this.#inFlight--;
    if (this.#inFlight > 0 || this.#onIdle.length === 0) return;
    const waiting = this.#onIdle;
    this.#onIdle = [];
    for (const resolve of waiting) resolve();
  }

  /** Resolves at once when nothing is in flight; else when the last request ends or after `ms`. */
  idleWithin(ms: number): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const index = this.#onIdle.indexOf(done);
        if (index >= 0) this.#onIdle.splice(index, 1);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#onIdle.push(done);
    });
  }
}
