import { describe, expect, it } from 'vitest';
import { SerialisedJobs } from '../../core/peripherals/printer/serialised-jobs.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SerialisedJobs', () => {
  it('starts a job only after the previous one settled, and a failure does not block the next', async () => {
    const jobs = new SerialisedJobs();
    const started: string[] = [];
    const first = deferred<string>();
    const a = jobs.run(() => {
      started.push('a');
      return first.promise;
    });
    const b = jobs.run(async () => {
      started.push('b');
      return 'b done';
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual(['a']);
    first.reject(new Error('printer off'));
    await expect(a).rejects.toThrow('printer off');
    await expect(b).resolves.toBe('b done');
    expect(started).toEqual(['a', 'b']);
  });

  it('idle waits for queued jobs and does not reject when they fail', async () => {
    const jobs = new SerialisedJobs();
    const gate = deferred<void>();
    let finished = false;
    const failing = jobs.run(async () => {
      await gate.promise;
      finished = true;
      throw new Error('jammed');
    });
    failing.catch(() => {});
    const idle = jobs.idle();
    gate.resolve();
    await expect(idle).resolves.toBeUndefined();
    expect(finished).toBe(true);
  });
});
