/**
 * The production `scanpay` (issue 20): build/scripts/build-service.js bundles the CLI and the service
 * with esbuild, and bin/scanpay.js runs that bundle only while it is current, with Node's compile
 * cache on. The bundle is built into a temporary directory (never into the working tree's dist/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'scanpay-service-bundle-'));
const outdir = path.join(work, 'service');
const CODE = '134567890123456789';

function node(args: readonly string[], env: Readonly<Record<string, string>> = {}, cwd = root) {
  return spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_COMPILE_CACHE: '', ...env },
  });
}

beforeAll(() => {
  const built = node(['build/scripts/build-service.js', '--outdir', outdir]);
  if (built.status !== 0) throw new Error(`build-service.js failed:\n${built.stderr}`);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** GET over node:http (the test process's own fetch would not matter, but keeps this file to one client). */
function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('the service bundle (build/scripts/build-service.js)', () => {
  it('answers a command exactly as the sources do', () => {
    const fromBundle = node([path.join(outdir, 'scanpay.mjs'), 'classify', CODE]);
    const fromSources = node(['core/cli/main.ts', 'classify', CODE]);
    expect(fromBundle.status).toBe(0);
    expect(fromBundle.stdout).toBe(fromSources.stdout);
    expect(JSON.parse(fromBundle.stdout)).toMatchObject({ ok: true, wallet: 'wxpay' });
  });

  it('keeps each command in its own chunk: the entry loads neither SQLite nor the HTTP service', () => {
    const entry = readFileSync(path.join(outdir, 'scanpay.mjs'), 'utf8');
    expect(entry).not.toContain('node:sqlite');
    expect(entry).not.toContain('createServer');
    const chunks = readdirSync(outdir).filter((file) => file.startsWith('chunk-'));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.some((file) => readFileSync(path.join(outdir, file), 'utf8').includes('node:sqlite'))).toBe(
      true,
    );
  });

  it('leaves the receipt encoder (receiptline, iconv-lite) out of what `serve` loads at start', () => {
    // Only a configured printer needs it: start-peripherals.ts imports it on demand (issue 20).
    const chunks = readdirSync(outdir).filter((name) => name.endsWith('.mjs'));
    const text = new Map(chunks.map((name) => [name, readFileSync(path.join(outdir, name), 'utf8')]));
    const serve = chunks.find((name) => text.get(name)!.includes('function startKioskService('));
    expect(serve).toBeDefined();
    const loaded = new Set<string>();
    const visit = (name: string) => {
      if (loaded.has(name)) return;
      loaded.add(name);
      for (const match of text.get(name)!.matchAll(/(?:^|\n)import\s[^;]*?from\s*"\.\/([^"]+)"/g))
        visit(match[1]!);
    };
    visit(serve!);
    const bundled = (pkg: string) =>
      [...loaded].some((name) => text.get(name)!.includes(`node_modules/${pkg}/`));
    expect(bundled('receiptline')).toBe(false);
    expect(bundled('iconv-lite')).toBe(false);
    // …yet both are in the bundle, for a till with a printer.
    expect(chunks.some((name) => text.get(name)!.includes('node_modules/receiptline/'))).toBe(true);
  });

  it("keeps only zod's English messages, and refuses a bad config.json with the same words as the sources", () => {
    // build-service.js drops zod's other locales, which the service never uses (issue 20).
    const text = readdirSync(outdir)
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => readFileSync(path.join(outdir, name), 'utf8'))
      .join('\n');
    expect(text).toContain('node_modules/zod/v4/locales/en.js');
    expect(text).not.toContain('node_modules/zod/v4/locales/de.js');
    expect(text).not.toContain('node_modules/zod/v4/locales/zh-CN.js');
    const dataDir = path.join(work, 'bad-config');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ terminal_id: 5 }));
    const args = ['serve', '--port', '0', '--data', dataDir];
    const fromBundle = node([path.join(outdir, 'scanpay.mjs'), ...args]);
    const fromSources = node(['core/cli/main.ts', ...args]);
    expect(fromBundle.status).toBe(2);
    expect(JSON.parse(fromBundle.stdout)).toMatchObject({ ok: false, error: { code: 'config_invalid' } });
    expect(fromBundle.stdout).toMatch(/terminal_id.*expected string/i);
    expect(fromBundle.stdout).toBe(fromSources.stdout);
  });

  it('starts `serve` without loading undici (fetch): node:http is required, the sandbox reached over it', async () => {
    // An ESM import of node:http reads its WebSocket getters, which load undici (~25 ms a start);
    // build-service.js turns it into require(), and sandbox-endpoint.ts GETs over node:http (issue 20).
    const chunks = readdirSync(outdir).filter((name) => name.endsWith('.mjs'));
    const text = chunks.map((name) => readFileSync(path.join(outdir, name), 'utf8')).join('\n');
    expect(text).not.toMatch(/(?:^|\n)import\s[^;]*?from\s*"(?:node:)?http"/);
    expect(text).toContain('__require("node:http")');
    // At run time: a preloaded module reports, once serve is healthy, whether undici was ever loaded.
    const probe = `data:text/javascript,${encodeURIComponent(
      "process.on('SIGUSR2', () => process._rawDebug('undici loaded: ' + process.moduleLoadList.some((m) => m.includes('undici'))));",
    )}`;
    const startServe = async (extra: readonly string[]) => {
      const dataDir = mkdtempSync(path.join(work, 'undici-'));
      const child = spawn(
        process.execPath,
        [
          '--import',
          probe,
          path.join(outdir, 'scanpay.mjs'),
          'serve',
          '--port',
          '0',
          '--data',
          dataDir,
          ...extra,
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_COMPILE_CACHE: '' } },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const [line] = (await once(child.stdout.setEncoding('utf8'), 'data')) as [string];
      const first = JSON.parse(line.split('\n')[0]!) as { url: string; sandbox_url: string };
      const undiciLoaded = async () => {
        const health = await getText(`${first.url}/api/health`);
        expect(JSON.parse(health)).toMatchObject({ ready: true });
        child.kill('SIGUSR2');
        for (let wait = 0; wait < 100 && !stderr.includes('undici loaded: '); wait++)
          await new Promise((resolve) => setTimeout(resolve, 20));
        return /undici loaded: (\w+)/.exec(stderr)?.[1];
      };
      return { child, first, undiciLoaded };
    };
    const own = await startServe([]);
    const joined = await startServe(['--sandbox', own.first.sandbox_url]);
    try {
      expect(await own.undiciLoaded()).toBe('false');
      expect(await joined.undiciLoaded()).toBe('false');
    } finally {
      for (const { child } of [joined, own]) {
        child.kill('SIGTERM');
        if (child.exitCode === null) await once(child, 'exit');
      }
    }
  }, 60_000);

  it('leaves only Node built-ins and the native modules external', () => {
    const imported = new Set<string>();
    for (const file of readdirSync(outdir).filter((name) => name.endsWith('.mjs'))) {
      const text = readFileSync(path.join(outdir, file), 'utf8');
      const statics = /(?:^|\n)import\s[^;]*?from\s*"([^"]+)"|\bimport\("([^"]+)"\)|\brequire\("([^"]+)"\)/g;
      for (const match of text.matchAll(statics)) imported.add((match[1] ?? match[2] ?? match[3])!);
    }
    const packages = [...imported].filter(
      (name) => !name.startsWith('node:') && !name.startsWith('./') && !builtinModules.includes(name),
    );
    expect(packages.sort()).toEqual(['node-hid', 'serialport', 'usb']);
  });

  it('finds the files core/ reads beside its sources (the sandbox keys) from a chunk', () => {
    // The sandbox signs with keys read via new URL('./keys/…', import.meta.url) in core/sandbox/.
    const sandbox = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        import { spawn } from 'node:child_process';
        const child = spawn(process.execPath, [${JSON.stringify(path.join(outdir, 'scanpay.mjs'))}, 'sandbox', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout.setEncoding('utf8').once('data', (line) => { console.log(line.split('\\n')[0]); child.kill(); });
      `,
      ],
      { cwd: root, encoding: 'utf8', timeout: 30_000 },
    );
    const first = JSON.parse(sandbox.stdout.trim()) as { url?: string };
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });

  it('records every source file it was built from, with its modification time', () => {
    const { inputs } = JSON.parse(readFileSync(path.join(outdir, 'inputs.json'), 'utf8')) as {
      inputs: Record<string, number>;
    };
    expect(Object.keys(inputs)).toContain('core/cli/main.ts');
    expect(Object.keys(inputs)).toContain('core/cli/commands/serve.ts');
    expect(Object.keys(inputs)).toContain('package-lock.json');
    expect(
      Object.keys(inputs).some(
        (file) => file.startsWith('node_modules/') && file !== 'node_modules/.package-lock.json',
      ),
    ).toBe(false);
  });
});

describe('bin/scanpay.js chooses the bundle only while it is current', () => {
  // A miniature project: the real bin/scanpay.js, a "bundle" and "sources" that say which one ran.
  const project = path.join(work, 'project');
  const source = path.join(project, 'core', 'cli', 'main.ts');
  const cacheHome = path.join(work, 'cache-home');

  beforeAll(() => {
    mkdirSync(path.join(project, 'bin'), { recursive: true });
    mkdirSync(path.dirname(source), { recursive: true });
    mkdirSync(path.join(project, 'dist', 'service'), { recursive: true });
    cpSync(path.join(root, 'bin', 'scanpay.js'), path.join(project, 'bin', 'scanpay.js'));
    writeFileSync(path.join(project, 'package.json'), '{"type":"module"}\n');
    writeFileSync(source, "console.log('sources');\n");
    writeFileSync(path.join(project, 'dist', 'service', 'scanpay.mjs'), "console.log('bundle');\n");
  });

  function recordInputs(): void {
    const mtimeMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    utimesSync(source, mtimeMs / 1000, mtimeMs / 1000);
    const inputs = { 'core/cli/main.ts': mtimeMs };
    writeFileSync(path.join(project, 'dist', 'service', 'inputs.json'), JSON.stringify({ inputs }));
  }

  const run = (env: Readonly<Record<string, string>> = {}) =>
    node([path.join(project, 'bin', 'scanpay.js')], { XDG_CACHE_HOME: cacheHome, ...env }, project);

  it('runs the bundle when every recorded input is unchanged', () => {
    recordInputs();
    expect(run().stdout.trim()).toBe('bundle');
  });

  it('runs the sources once a source changed after the build', () => {
    recordInputs();
    utimesSync(source, new Date(), new Date());
    expect(run().stdout.trim()).toBe('sources');
  });

  it('runs the sources when the bundle never recorded its inputs, or when asked to', () => {
    recordInputs();
    expect(run({ SCANPAY_RUN_SOURCES: '1' }).stdout.trim()).toBe('sources');
    rmSync(path.join(project, 'dist', 'service', 'inputs.json'));
    expect(run().stdout.trim()).toBe('sources');
  });

  it('says so on stderr in production, where a stale bundle means a forgotten build', () => {
    rmSync(path.join(project, 'dist', 'service', 'inputs.json'), { force: true });
    const result = run({ NODE_ENV: 'production' });
    expect(result.stdout.trim()).toBe('sources');
    expect(result.stderr).toContain('npm run build:service');
  });

  it("enables Node's compile cache in the user's cache directory", () => {
    recordInputs();
    rmSync(cacheHome, { recursive: true, force: true });
    expect(run().stdout.trim()).toBe('bundle');
    const cacheDir = path.join(cacheHome, 'scanpay', 'node-compile-cache');
    expect(readdirSync(cacheDir).length).toBeGreaterThan(0);
  });

  it('keeps the compile cache private to the user: others could plant compiled code in it', () => {
    recordInputs();
    rmSync(cacheHome, { recursive: true, force: true });
    expect(run().stdout.trim()).toBe('bundle');
    for (const dir of [
      path.join(cacheHome, 'scanpay'),
      path.join(cacheHome, 'scanpay', 'node-compile-cache'),
    ])
      expect(statSync(dir).mode & 0o077).toBe(0);
  });

  it('does not use a compile cache directory others can write to', () => {
    recordInputs();
    rmSync(cacheHome, { recursive: true, force: true });
    const cacheDir = path.join(cacheHome, 'scanpay', 'node-compile-cache');
    mkdirSync(cacheDir, { recursive: true });
    chmodSync(cacheDir, 0o777);
    const result = run();
    expect(result.stdout.trim()).toBe('bundle');
    expect(readdirSync(cacheDir)).toEqual([]);
    expect(result.stderr).toContain('compile cache');
  });
});
