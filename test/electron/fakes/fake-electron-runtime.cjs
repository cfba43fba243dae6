/**
 * Loaded with `node --require` before the bundled dist/electron/main.cjs: answers `require('electron')`
 * with a scripted stand-in (the real binary cannot be downloaded here), then plays the app's life:
 * the window loads, the page calls the service over IPC, a scanner types a burst, the user tries to
 * leave the kiosk, the supervisor unlocks it with the PIN, and quits. FAKE_ELECTRON_SCENARIO=sigterm
 * instead ends the locked kiosk with SIGTERM, as a service manager would.
 * Everything observed is written as JSON to FAKE_ELECTRON_REPORT when the app calls app.exit().
 */
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const { writeFileSync } = require('node:fs');
const path = require('node:path');

const report = {
  singleInstanceLock: false,
  paths: {},
  windowOptions: null,
  loadedUrls: [],
  sent: [],
  errorBoxes: [],
  permissionsGranted: [],
  cspHeader: null,
  openHandler: null,
  steps: {},
};

const app = new EventEmitter();
Object.assign(app, {
  isPackaged: false,
  requestSingleInstanceLock: () => {
    report.singleInstanceLock = true;
    return true;
  },
  setPath: (name, value) => {
    report.paths[name] = value;
  },
  getPath: (name) => path.join(process.env.FAKE_ELECTRON_HOME, name),
  getVersion: () => '0.1.0',
  getName: () => 'scanpay-kiosk',
  whenReady: () => Promise.resolve(),
  setLoginItemSettings: (settings) => {
    report.loginItem = settings;
  },
  quit: () => {
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    app.emit('before-quit', event);
    report.steps.quitPrevented = event.defaultPrevented;
  },
  exit: (code) => {
    report.exitCode = code;
    writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify(report, null, 2));
    process.exit(code);
  },
});

const ipcHandlers = new Map();
const ipcMain = {
  handle: (channel, handler) => ipcHandlers.set(channel, handler),
  removeHandler: (channel) => ipcHandlers.delete(channel),
};

const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived: (listener) =>
        listener({ responseHeaders: {} }, (response) => {
          report.cspHeader = response.responseHeaders['Content-Security-Policy'];
        }),
    },
    setPermissionRequestHandler: (handler) =>
      handler(null, 'media', (granted) => report.permissionsGranted.push(granted)),
    setPermissionCheckHandler: () => {},
  },
};

const dialog = { showErrorBox: (title, message) => report.errorBoxes.push(`${title}: ${message}`) };

let nextId = 1;
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    report.windowOptions = options;
    const contents = new EventEmitter();
    Object.assign(contents, {
      id: nextId++,
      isDestroyed: () => false,
      send: (channel, payload) => report.sent.push({ channel, payload }),
      setWindowOpenHandler: (handler) => {
        contents.openHandler = handler;
      },
    });
    this.webContents = contents;
    app.emit('web-contents-created', {}, contents);
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  setKiosk(flag) {
    report.kioskCalls = [...(report.kioskCalls ?? []), flag];
  }
  setClosable(flag) {
    report.closable = flag;
  }
  setMinimizable() {}
  show() {
    report.shown = true;
  }
  focus() {}
  restore() {}
  async loadURL(url) {
    report.loadedUrls.push(url);
    if (report.loadedUrls.length === 1) {
      setTimeout(() => drive(this, url).catch((error) => fail(error)), 0);
      this.emit('ready-to-show');
    }
  }
}

function fail(error) {
  report.driverError = String(error?.stack ?? error);
  writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify(report, null, 2));
  process.exit(99);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** app.quit() as the user or a menu would: true when it was held back. */
function quitHeld() {
  const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
  app.emit('before-quit', event);
  return event.defaultPrevented;
}

async function drive(window, url) {
  const contents = window.webContents;
  const invoke = ipcHandlers.get('scanpay:invoke');
  if (process.env.FAKE_ELECTRON_SCENARIO === 'sigterm') {
    report.steps.lockedQuitHeld = quitHeld();
    await sleep(200);
    report.steps.exitedBeforeSignal = report.exitCode !== undefined;
    process.kill(process.pid, 'SIGTERM');
    return;
  }
  const ours = { sender: { id: contents.id }, senderFrame: { url, parent: null } };
  report.steps.health = await invoke(ours, 'health', {});
  report.steps.foreign = await invoke(
    { sender: { id: contents.id }, senderFrame: { url: 'https://evil.example/', parent: null } },
    'health',
    {},
  );
  report.steps.badPayload = await invoke(ours, 'submitScan', { code: '' });
  report.steps.openHandler = contents.openHandler({ url: 'https://evil.example/' });
  const navigation = { prevented: false, preventDefault: () => (navigation.prevented = true) };
  contents.emit('will-navigate', navigation, 'https://evil.example/');
  report.steps.navigationBlocked = navigation.prevented;

  // A scanner in keyboard mode: 18 digits and Enter, all within a few milliseconds.
  let swallowed = 0;
  let keys = 0;
  const press = (key, code, type) => {
    const event = { preventDefault: () => swallowed++ };
    keys++;
    contents.emit('before-input-event', event, { type, key, code, isAutoRepeat: false });
  };
  for (const digit of '134567890123456789') {
    press(digit, `Digit${digit}`, 'keyDown');
    press(digit, `Digit${digit}`, 'keyUp');
  }
  press('Enter', 'Enter', 'keyDown');
  press('Enter', 'Enter', 'keyUp');
  report.steps.wedge = { keys, swallowed };
  await sleep(300);

  // The renderer crashes once: the window reloads the page.
  contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
  await sleep(50);

  // Kiosk: every way out by keyboard or window controls is refused, and so is quitting.
  const escapes = {};
  for (const [name, input] of [
    ['Alt+F4', { code: 'F4', key: 'F4', alt: true }],
    ['Ctrl+W', { code: 'KeyW', key: 'w', control: true }],
    ['Ctrl+Q', { code: 'KeyQ', key: 'q', control: true }],
    ['F11', { code: 'F11', key: 'F11' }],
  ]) {
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    contents.emit('before-input-event', event, { type: 'keyDown', ...input });
    escapes[name] = event.prevented;
  }
  const close = { prevented: false, preventDefault: () => (close.prevented = true) };
  window.emit('close', close);
  report.steps.kiosk = { escapes, closePrevented: close.prevented, quitHeld: quitHeld() };
  await sleep(200);
  report.steps.kiosk.exitedWhileLocked = report.exitCode !== undefined;
  // A wrong PIN changes nothing. The default 0000 must first be replaced (the service refuses other
  // supervisor actions until then); the new PIN then turns kiosk mode off.
  report.steps.kiosk.wrongPin = await invoke(ours, 'updateSettings', { pin: '9999', kiosk: false });
  report.steps.kiosk.quitHeldAfterWrongPin = quitHeld();
  await sleep(200);
  report.steps.kiosk.exitedAfterWrongPin = report.exitCode !== undefined;
  report.steps.kiosk.newPin = await invoke(ours, 'updateSettings', { pin: '0000', new_pin: '24681357' });
  report.steps.kiosk.quitHeldAfterNewPin = quitHeld();
  report.steps.kiosk.unlock = await invoke(ours, 'updateSettings', { pin: '24681357', kiosk: false });
  const closeAfter = { prevented: false, preventDefault: () => (closeAfter.prevented = true) };
  window.emit('close', closeAfter);
  report.steps.kiosk.closePreventedAfterUnlock = closeAfter.prevented;
  app.quit();
  // A second quit while the service stops is held too.
  const again = { defaultPrevented: false, preventDefault: () => (again.defaultPrevented = true) };
  app.emit('before-quit', again);
  report.steps.secondQuitPrevented = again.defaultPrevented;
}

const Menu = {
  setApplicationMenu: (menu) => {
    report.applicationMenu = menu;
  },
};

/** One monitor: the till has no second screen, so no customer window opens (customer-window.test.ts covers two). */
const onlyDisplay = { id: 1, bounds: { x: 0, y: 0, width: 1280, height: 800 } };
const screen = {
  getAllDisplays: () => [onlyDisplay],
  getPrimaryDisplay: () => onlyDisplay,
  on: (event) => {
    report.screenEvents = [...(report.screenEvents ?? []), event];
  },
};

const electron = { app, BrowserWindow, ipcMain, Menu, session, dialog, screen };
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'electron') return electron;
  return originalLoad.call(this, request, parent, isMain);
};
