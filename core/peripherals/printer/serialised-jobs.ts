/**
 * One job at a time on a device link: each job starts once the previous one has settled, whether it
 * succeeded or failed, so two receipts never interleave their bytes on the wire. Shared by the serial
 * and USB links (the TCP link opens one socket per job and needs no queue). A few lines by hand: a
 * queue library would add a dependency for a single promise chain.
 */
export class SerialisedJobs {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `job` after every job queued before it; its own result (or error) is returned. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => {});
    return result;
  }

  /** Settles once every job queued so far has settled; never rejects. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
