/**
 * Files: whoever starts the service (here with a permissive umask 022, like a desktop session), the
 * data dir is 0700 and the journal, marker, config, settings and log files 0600; the log rotates by
 * size keeping N files; lines an outsider can cause are capped with a "suppressed" count.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secureDataDir } from '../../core/service/data-dir.ts';
import { createFileLogger, rateLimited } from '../../core/service/file-logger.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';
import { removeScratch, scratchDir } from './journal-files.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

let savedUmask: number;
beforeEach(() => {
  savedUmask = process.umask(0o022);
});
let s: ServiceHarness | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
  process.umask(savedUmask);
  removeScratch();
});

describe('data directory modes', () => {
  it('tightens an existing world-readable data dir and its files', () => {
    const dir = join(scratchDir('modes'), 'data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    for (const name of ['config.json', 'settings.json']) {
      writeFileSync(join(dir, name), '{}');
      chmodSync(join(dir, name), 0o644);
    }
    secureDataDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'config.json'))).toBe(0o600);
    expect(mode(join(dir, 'settings.json'))).toBe(0o600);
    expect(process.umask()).toBe(0o077);
  });

  it('a service started under umask 022 keeps everything it writes owner-only', async () => {
    s = await startServiceHarness({ config: { terminal_id: 'T9' } });
    const code = await s.walletCode('wxpay', 'instant');
    await s.call('createPayment', {
      data: { out_trade_no: 'M1', total_fee: 100, subject: 'Tea', auth_code: code },
    });
    const dir = s.dataDir;
    expect(mode(dir)).toBe(0o700);
    for (const name of ['journal.sqlite', 'journal.marker', 'config.json', 'logs/scanpay.log'])
      expect(mode(join(dir, name)), name).toBe(0o600);
    expect(mode(join(dir, 'logs'))).toBe(0o700);
    for (const name of readdirSync(dir).filter((n) => n.startsWith('journal.sqlite-')))
      expect(mode(join(dir, name)), name).toBe(0o600);
    // The automatic backup made at start is owner-only too.
    await s.service.stop();
    const backups = readdirSync(join(dir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(mode(join(dir, 'backups', backups[0]!))).toBe(0o700);
    expect(mode(join(dir, 'backups', backups[0]!, 'journal.sqlite'))).toBe(0o600);
  });
});

describe('the log file', () => {
  it('rotates by size and keeps the newest files only', () => {
    const dir = scratchDir('log');
    const logger = createFileLogger(dir, false, { maxBytes: 1000, keep: 3 });
    for (let i = 0; i < 100; i++) logger.info('line', { i, pad: 'x'.repeat(60) });
    const logs = join(dir, 'logs');
    expect(readdirSync(logs).sort()).toEqual([
      'scanpay.log',
      'scanpay.log.1',
      'scanpay.log.2',
      'scanpay.log.3',
    ]);
    for (const name of readdirSync(logs)) {
      expect(statSync(join(logs, name)).size, name).toBeLessThanOrEqual(1000);
      expect(mode(join(logs, name)), name).toBe(0o600);
    }
    const last = (name: string) =>
      JSON.parse(readFileSync(join(logs, name), 'utf8').trim().split('\n').at(-1)!).i;
    // Newest in the live file, then .1, .2, .3 going back; the oldest lines are gone.
    expect(last('scanpay.log')).toBe(99);
    expect(last('scanpay.log.1')).toBeLessThan(last('scanpay.log'));
    expect(last('scanpay.log.3')).toBeLessThan(last('scanpay.log.2'));
    const first = JSON.parse(readFileSync(join(logs, 'scanpay.log.3'), 'utf8').split('\n')[0]!).i;
    expect(first).toBeGreaterThan(0);
  });

  it('continues the size count of an existing file across restarts', () => {
    const dir = scratchDir('log');
    createFileLogger(dir, false, { maxBytes: 500 }).info('first', { pad: 'x'.repeat(300) });
    createFileLogger(dir, false, { maxBytes: 500 }).info('second', { pad: 'x'.repeat(300) });
    expect(existsSync(join(dir, 'logs', 'scanpay.log.1'))).toBe(true);
  });

  it('still drops fields named like secrets', () => {
    const dir = scratchDir('log');
    createFileLogger(dir, false).warn('w', { app_private_key: 'K', out_trade_no: 'A1' });
    const line = JSON.parse(readFileSync(join(dir, 'logs', 'scanpay.log'), 'utf8'));
    expect(line).toMatchObject({ level: 'warn', out_trade_no: 'A1' });
    expect(line).not.toHaveProperty('app_private_key');
  });
});

describe('rejected /notify calls', () => {
  it('cannot flood the log: a burst is logged, the rest counted in one line at stop', async () => {
    s = await startServiceHarness();
    for (let i = 0; i < 60; i++) {
      const response = await fetch(`${s.server.url}/notify/sandbox/wxpay`, {
        method: 'POST',
        body: `<xml>${i}</xml>`,
      });
      await response.text();
    }
    await s.service.stop();
    const lines = readFileSync(join(s.dataDir, 'logs', 'scanpay.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const rejected = lines.filter((l) => l.message === 'notify rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.length).toBeLessThanOrEqual(21);
    const suppressed = lines.filter((l) => l.message === 'log lines suppressed');
    expect(suppressed.reduce((sum, l) => sum + l.suppressed, 0) + rejected.length).toBe(60);
  });
});

describe('rate-limited lines', () => {
  it('lets a burst through, counts the rest, and says how many were suppressed', () => {
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const sink = {
      info: (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields }),
      warn: (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields }),
    };
    let now = 0;
    const logger = rateLimited(sink, {
      messages: ['notify rejected', 'other rejected'],
      burst: 5,
      perMinute: 6,
      now: () => now,
    });
    for (let i = 0; i < 1000; i++) logger.warn('notify rejected', { i });
    expect(lines.map((l) => l.message)).toEqual(Array(5).fill('notify rejected'));
    logger.info('other rejected', {}); // its own bucket
    expect(lines).toHaveLength(6);
    for (let i = 0; i < 30; i++) logger.info('notify booked', { i }); // not limited
    expect(lines).toHaveLength(36);
    lines.splice(6);
    now += 10_000; // one token back (6 a minute)
    logger.warn('notify rejected', { i: 1000 });
    expect(lines.slice(6)).toEqual([
      { message: 'log lines suppressed', fields: { of: 'notify rejected', suppressed: 995 } },
      { message: 'notify rejected', fields: { i: 1000 } },
    ]);
    for (let i = 0; i < 3; i++) logger.warn('notify rejected', { i });
    logger.flush();
    expect(lines.at(-1)).toEqual({
      message: 'log lines suppressed',
      fields: { of: 'notify rejected', suppressed: 3 },
    });
  });
});
