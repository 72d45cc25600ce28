/** Runs async tasks one after another: a restart never overlaps another start or stop. */

export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Queues `task` after every task queued before it; a failed task does not block the next. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
