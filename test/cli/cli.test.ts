/**
 * The `scanpay` command line as a user meets it (bin/scanpay.js in a child process, the pinned
 * Node 24): help, an unknown command, classify's argument handling, sandbox's port errors and
 * backup's --data/--out handling; and parseArgs, which every command uses. The sandbox's JSON line
 * (test/sandbox/cli.test.ts), classify's main cases (test/recognition) and backup of a live journal
 * (test/service/backup.test.ts) are tested where they are.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliUsageError, parseArgs } from '../../core/cli/cli-command.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pinnedNode = join(ROOT, 'node_modules', '.bin', 'node');
const node = existsSync(pinnedNode) ? pinnedNode : process.execPath;

function scanpay(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(node, ['bin/scanpay.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const COMMANDS = ['classify', 'sandbox', 'serve', 'doctor', 'listen', 'backup', 'reconcile'];

describe('scanpay help and unknown commands', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the usage with every command and exits 0', (flag) => {
    const { status, stdout, stderr } = scanpay(flag);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^usage: scanpay <command> \[options\]/);
    for (const name of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(stderr).toBe('');
  });

  it('no command prints the usage and exits 1', () => {
    const { status, stdout } = scanpay();
    expect(status).toBe(1);
    expect(stdout).toMatch(/^usage: scanpay/);
  });

  it('an unknown command is named on stderr with the usage, exit 1, nothing on stdout', () => {
    const { status, stdout, stderr } = scanpay('pay', '134567890123456789');
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^unknown command: pay\n\nusage: scanpay/);
  });
});

describe('scanpay classify arguments', () => {
  it('no code: code_empty, exit 1', () => {
    const { status, stdout } = scanpay('classify');
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'code_empty' } });
  });

  it('a code with its scanner framing (AIM prefix) is recognised, exit 0', () => {
    const { status, stdout } = scanpay('classify', ']Q1284567890123456789');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ ok: true, wallet: 'alipay', authCode: '284567890123456789' });
  });

  it('a code split over two arguments is not glued into a payment code', () => {
    const { status, stdout } = scanpay('classify', '134567890', '123456789');
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'code_has_invalid_characters' } });
  });
});

describe('scanpay sandbox --port', () => {
  let busy: Server | undefined;
  afterEach(async () => {
    if (busy) await new Promise<void>((resolve) => busy!.close(() => resolve()));
    busy = undefined;
  });

  it.each([
    [['--port', '70000'], '"70000"'],
    [['--port=-1'], '"-1"'],
  ])('%j exits 2 saying what --port must be', (args, shown) => {
    const { status, stdout, stderr } = scanpay('sandbox', ...args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`--port must be an integer from 0 to 65535, got ${shown}`);
  });

  it.each([
    [['--port'], 'option --port needs a value'],
    [['--port', '-1'], 'option --port needs a value (write --port=VALUE for a value that starts with "-")'],
  ])('%j exits 2 saying --port needs a value', (args, said) => {
    const { status, stdout, stderr } = scanpay('sandbox', ...args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`scanpay sandbox: ${said}`);
  });

  it('a port already in use exits 1 naming the address and the reason', async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy!.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const { status, stdout, stderr } = scanpay('sandbox', '--port', String(port));
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`cannot start the sandbox on 127.0.0.1:${port}: EADDRINUSE`);
  });
});

describe('scanpay backup --data / --out', () => {
  let scratch: string;
  let data: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'scanpay-cli-'));
    data = join(scratch, 'data');
    new SqliteJournal(join(data, 'journal.sqlite')).close();
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');

  it('--data DIR alone backs up into DIR/backups', () => {
    const { status, stdout } = scanpay('backup', '--data', data);
    expect(status).toBe(0);
    const result = lastJson(stdout);
    expect(result).toMatchObject({ ok: true, files: [], not_copied: [] });
    expect(result.dir.startsWith(join(data, 'backups', 'scanpay-backup-'))).toBe(true);
    expect(existsSync(join(result.dir, 'journal.sqlite'))).toBe(true);
  });

  it('--data=DIR --out=DIR (the = form) backs up into the out directory, a new folder each run', () => {
    const out = join(scratch, 'usb');
    const first = lastJson(scanpay('backup', `--data=${data}`, `--out=${out}`).stdout);
    const second = lastJson(scanpay('backup', `--out=${out}`, `--data=${data}`).stdout);
    expect(first.ok && second.ok).toBe(true);
    expect(first.dir.startsWith(join(out, 'scanpay-backup-'))).toBe(true);
    expect(second.dir).not.toBe(first.dir);
    expect(readdirSync(out)).toHaveLength(2);
    expect(existsSync(join(data, 'backups'))).toBe(false);
  });

  it('a data directory without a journal: exit 1, the error as JSON, no backup folder left', () => {
    const empty = join(scratch, 'empty');
    const out = join(scratch, 'out');
    const { status, stdout } = scanpay('backup', '--data', empty, '--out', out);
    expect(status).toBe(1);
    expect(lastJson(stdout)).toMatchObject({ ok: false, error: { code: expect.any(String) } });
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});

describe('parseArgs', () => {
  const SPEC = { values: ['port', 'host', 'url', 'b'], booleans: ['verbose', 'a'] } as const;

  it('reads --name value, --name=value, a boolean --flag and positionals', () => {
    expect(parseArgs(['--port', '8080', '--host=0.0.0.0', 'extra', '--verbose'], SPEC)).toEqual({
      flags: { port: '8080', host: '0.0.0.0', verbose: 'true' },
      positional: ['extra'],
    });
  });

  it('"=" keeps the rest of the value as is; a boolean before a valued option stays a boolean', () => {
    expect(parseArgs(['--a', '--b', 'x', '--url=http://h/?q=1'], SPEC)).toEqual({
      flags: { a: 'true', b: 'x', url: 'http://h/?q=1' },
      positional: [],
    });
  });

  it('the last of a repeated option wins; a lone value is positional', () => {
    expect(parseArgs(['--port', '1', '--port', '2', 'x'], SPEC)).toEqual({
      flags: { port: '2' },
      positional: ['x'],
    });
  });

  it('an option that takes a value but has none is refused, naming it (it never becomes "true")', () => {
    expect(() => parseArgs(['--port'], SPEC)).toThrow(CliUsageError);
    expect(() => parseArgs(['--port'], SPEC)).toThrow(/--port/);
    expect(() => parseArgs(['--host', '--verbose'], SPEC)).toThrow(/--host/);
  });

  it('an option the command does not know is refused, naming it', () => {
    expect(() => parseArgs(['--output', '/tmp/x'], SPEC)).toThrow(CliUsageError);
    expect(() => parseArgs(['--output', '/tmp/x'], SPEC)).toThrow(/--output/);
  });
});

describe('scanpay options a command does not take', () => {
  it('backup --out with no directory: exit 2, the problem on stderr, no folder named "true" made', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scanpay-cli-cwd-'));
    const data = mkdtempSync(join(tmpdir(), 'scanpay-cli-data-'));
    try {
      const run = spawnSync(node, [join(ROOT, 'bin/scanpay.js'), 'backup', '--data', data, '--out'], {
        cwd,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^scanpay backup: option --out needs a value/m);
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  });

  it.each([
    ['backup', '--output', '/tmp/x'],
    ['serve', '--prot', '8417'],
    ['sandbox', '--hots', '0.0.0.0'],
  ])('%s %s: exit 2 naming the unknown option', (command, option, value) => {
    const { status, stderr } = scanpay(command, option, value);
    expect(status).toBe(2);
    expect(stderr).toContain(`scanpay ${command}: unknown option ${option}`);
  });
});
