import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from './require-tool.ts';
import { lintUdevRules } from './udev-lint.ts';

const linuxDir = path.resolve(import.meta.dirname, '..', '..', 'build', 'linux');
const read = (name: string) => readFileSync(path.join(linuxDir, name), 'utf8');
const scratch = mkdtempSync(path.join(tmpdir(), 'scanpay-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** null when `command` is on PATH, else what is missing and which apt package brings it. */
function missing(command: string, aptPackage: string): string | null {
  if (spawnSync('sh', ['-c', `command -v ${command}`]).status === 0) return null;
  return `${command} is not installed (apt package ${aptPackage})`;
}

describe('udev rules for scanners', () => {
  const rules = read('60-scanpay-scanners.rules');

  it('pass the udev syntax check', () => {
    expect(lintUdevRules(rules)).toEqual([]);
  });

  it('grant hidraw access for HID POS, keep ModemManager off CDC-ACM scanners and use dialout for serial', () => {
    expect(rules).toMatch(/^SUBSYSTEM=="hidraw", ATTRS\{idVendor\}=="1eab", MODE="0660", GROUP="plugdev"/m);
    expect(rules).toMatch(/KERNEL=="ttyACM\[0-9\]\*".*ENV\{ID_MM_DEVICE_IGNORE\}="1"/);
    expect(rules).toMatch(/KERNEL=="ttyUSB\[0-9\]\*", MODE="0660", GROUP="dialout"/);
  });

  it('the syntax check itself catches the mistakes it is for', () => {
    const bad = [
      'SUBSYSTEM="hidraw", MODE="0660"', // assignment to a match-only key
      'SUBSYSTEM=="hidraw", MODE=="0660"', // match on an assign-only key
      'SUBSYSTEM=="hidraw", GRUOP="plugdev"', // typo
      'SUBSYSTEM=="hidraw", ATTRS{idVendor}=="1eab"', // matches only
      'SUBSYSTEM=="hidraw", MODE="rw-rw----"',
      'SUBSYSTEM==hidraw, MODE="0660"', // unquoted
      'SUBSYSTEM=="tty", ENV="1"', // ENV without {name}
    ];
    const problems = lintUdevRules(bad.join('\n'));
    expect(new Set(problems.map((p) => p.line))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
  });
});

describe('systemd unit for `scanpay serve`', () => {
  const unit = read('scanpay-serve.service');

  it('restarts always, runs as a dedicated user with its own data directory', () => {
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^User=scanpay$/m);
    expect(unit).toMatch(/^StateDirectory=scanpay$/m);
    expect(unit).toMatch(
      /^ExecStart=\S+\/node --optimize-for-size \S+\/bin\/scanpay\.js serve .*--data \/var\/lib\/scanpay/m,
    );
    expect(unit).toMatch(/^SupplementaryGroups=.*plugdev.*dialout/m);
    // The memory settings the service benchmark measured (docs/benchmarks.md).
    expect(unit).toMatch(/^Environment=MALLOC_ARENA_MAX=2$/m);
  });

  it("keeps Node's compile cache in the unit's own cache directory, the only one it may write there", () => {
    expect(unit).toMatch(/^CacheDirectory=scanpay$/m);
    // ProtectSystem=strict leaves /var/cache read-only except the CacheDirectory= systemd creates.
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    expect(unit).toMatch(/^Environment=NODE_COMPILE_CACHE=\/var\/cache\/scanpay\/\S+$/m);
  });

  it('passes systemd-analyze verify with no warnings', (ctx) => {
    requireTool(ctx, missing('systemd-analyze', 'systemd'));
    // verify insists that ExecStart's program exists; on this machine /opt/scanpay is not installed, so
    // the copy points it at /bin/true and everything else is checked as shipped.
    const copy = path.join(scratch, 'scanpay-serve.service');
    writeFileSync(copy, unit.replace(/^ExecStart=\S+/m, 'ExecStart=/bin/true'));
    const run = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('systemd-analyze would report a misspelt key (so the check above can fail)', (ctx) => {
    requireTool(ctx, missing('systemd-analyze', 'systemd'));
    const copy = path.join(scratch, 'bad.service');
    writeFileSync(
      copy,
      unit.replace(/^ExecStart=\S+/m, 'ExecStart=/bin/true').replace('Restart=always', 'Restrat=always'),
    );
    const run = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toContain("Unknown key 'Restrat'");
  });
});

describe('the service user (systemd-sysusers)', () => {
  it('creates user scanpay in plugdev and dialout (dry run on a scratch root)', (ctx) => {
    requireTool(ctx, missing('systemd-sysusers', 'systemd'));
    const rootDir = path.join(scratch, 'root');
    mkdirSync(path.join(rootDir, 'etc'), { recursive: true });
    writeFileSync(path.join(rootDir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(path.join(rootDir, 'etc', 'group'), 'root:x:0:\ndialout:x:20:\nplugdev:x:46:\n');
    const run = spawnSync(
      'systemd-sysusers',
      [`--root=${rootDir}`, '--dry-run', path.join(linuxDir, 'scanpay.sysusers')],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(run.status).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain("Creating user 'scanpay'");
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/Unknown|Failed|ignoring/);
  });
});

describe('desktop entries and scripts', () => {
  for (const name of readdirSync(linuxDir).filter((f) => f.endsWith('.desktop'))) {
    it(`${name} is a well-formed XDG desktop entry`, () => {
      const lines = read(name).trim().split('\n');
      expect(lines[0]).toBe('[Desktop Entry]');
      const keys = new Map(
        lines.slice(1).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      for (const line of lines.slice(1)) expect(line).toMatch(/^[A-Za-z0-9-]+=.+$/);
      expect(keys.get('Type')).toBe('Application');
      expect(keys.get('Name')).toBeTruthy();
      expect(keys.get('Exec')).toBeTruthy();
    });
  }

  it('the deb scripts use only the macros electron-builder defines (any other brace macro fails the build)', () => {
    for (const name of ['after-install.sh', 'after-remove.sh']) {
      const macros = [...read(name).matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1]);
      expect(new Set(macros)).toEqual(new Set(['executable', 'sanitizedProductName']));
    }
    expect(read('after-install.sh')).toContain('/usr/lib/udev/rules.d/60-scanpay-scanners.rules');
  });

  it('the kiosk autostart entry starts the app in kiosk mode', () => {
    expect(read('scanpay-kiosk-autostart.desktop')).toMatch(/^Exec=scanpay-kiosk --kiosk$/m);
  });

  for (const [name, shell] of [
    ['after-install.sh', 'bash'],
    ['after-remove.sh', 'bash'],
    ['scanpay-kiosk-mode', 'sh'],
    ['scanpay-browser-kiosk', 'sh'],
  ] as const) {
    it(`${name} parses with ${shell}`, () => {
      const run = spawnSync(shell, ['-n', path.join(linuxDir, name)], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    });
  }
});
