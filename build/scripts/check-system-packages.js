// `npm test`'s pretest: the Debian packages the test suite needs besides node_modules. When all are
// installed it prints nothing and returns at once (one dpkg-query call). When some are missing it
// installs them if it can (root, or passwordless sudo): apt-get update && apt-get install -y
// --no-install-recommends …; otherwise it stops with one line naming them and the exact command.
//   chromium + fonts   the real-browser end-to-end tests (playwright-core drives Debian's chromium)
//   socat              real pseudo-terminal pairs for the serial scanner tests
//   libusb-1.0-0       node-hid's prebuilt binary links it
//   udev               serialport lists ports with udevadm
//   systemd            systemd-analyze / systemd-sysusers check the shipped unit and sysusers files
//   postgresql         the store hub's tests start a throwaway cluster with initdb/pg_ctl
//                      (test/hub/pg-cluster.ts); the terminals' own journal stays node:sqlite.
// Off Debian (no dpkg-query) it says what to
// install and lets the tests run. SCANPAY_SKIP_SYSTEM_CHECK=1 skips the check.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export const TEST_PACKAGES = [
  'chromium',
  'socat',
  'libusb-1.0-0',
  'udev',
  'systemd',
  'postgresql',
  'fonts-liberation',
  'fonts-wqy-zenhei',
];

/** Packages dpkg reports fully installed ("ii"), from `dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n'`. */
export function installedFrom(dpkgOutput) {
  const installed = new Set();
  for (const line of dpkgOutput.split('\n')) {
    const [name, status] = line.trim().split(/\s+/);
    if (name && status?.startsWith('ii')) installed.add(name.replace(/:.*$/, ''));
  }
  return installed;
}

export function installCommand(missing, sudo) {
  const prefix = sudo ? 'sudo ' : '';
  return `${prefix}apt-get update && ${prefix}apt-get install -y --no-install-recommends ${missing.join(' ')}`;
}

/**
 * What to do: nothing, install (as root or with sudo), or stop with a message.
 * @param {{ installed: Set<string>, isRoot: boolean, passwordlessSudo: () => boolean }} machine
 */
export function plan(machine, packages = TEST_PACKAGES) {
  const missing = packages.filter((p) => !machine.installed.has(p));
  if (missing.length === 0) return { action: 'none', missing };
  if (machine.isRoot) return { action: 'install', missing, sudo: false };
  if (machine.passwordlessSudo()) return { action: 'install', missing, sudo: true };
  return {
    action: 'stop',
    missing,
    message: `npm test needs these system packages: ${missing.join(' ')}. Install them with: ${installCommand(missing, true)}`,
  };
}

function queryInstalled(packages) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} format, not JavaScript's
  const run = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\\n', ...packages], {
    encoding: 'utf8',
  });
  if (run.error) return null; // no dpkg-query: not Debian
  return installedFrom(run.stdout ?? '');
}

function apt(args, sudo) {
  const [command, argv] = sudo ? ['sudo', ['-n', 'apt-get', ...args]] : ['apt-get', args];
  const run = spawnSync(command, argv, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return run.status === 0;
}

export function main() {
  if (process.env.SCANPAY_SKIP_SYSTEM_CHECK === '1') return 0;
  const installed = queryInstalled(TEST_PACKAGES);
  if (installed === null) {
    console.error(
      `check-system-packages: not a Debian system; the tests need ${TEST_PACKAGES.join(', ')} (or their equivalents).`,
    );
    return 0;
  }
  const decision = plan({
    installed,
    isRoot: process.getuid?.() === 0,
    passwordlessSudo: () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
  });
  if (decision.action === 'none') return 0;
  if (decision.action === 'stop') {
    console.error(decision.message);
    return 1;
  }
  console.error(`check-system-packages: installing ${decision.missing.join(' ')}`);
  const ok =
    apt(['update', '-qq'], decision.sudo) &&
    apt(['install', '-y', '-qq', '--no-install-recommends', ...decision.missing], decision.sudo);
  const still = decision.missing.filter((p) => !queryInstalled([p])?.has(p));
  if (!ok || still.length > 0) {
    console.error(
      `npm test needs these system packages: ${still.join(' ') || decision.missing.join(' ')}. Installing them failed; run: ${installCommand(still.length > 0 ? still : decision.missing, !!decision.sudo)}`,
    );
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
