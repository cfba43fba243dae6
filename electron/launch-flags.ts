/**
 * The kiosk-mode switch on the command line: `--kiosk` / `--no-kiosk` override `ui.kiosk` from the
 * configuration, so the XDG autostart entry (or a Windows shortcut) can force full screen without
 * editing the config, and a technician can start a normal window on a kiosk. The last flag wins.
 */
import type { ShellConfig } from './service-shape.ts';

export function kioskFlag(argv: readonly string[]): boolean | undefined {
  let kiosk: boolean | undefined;
  for (const arg of argv) {
    if (arg === '--kiosk') kiosk = true;
    else if (arg === '--no-kiosk') kiosk = false;
  }
  return kiosk;
}

export function withLaunchFlags(config: ShellConfig, argv: readonly string[]): ShellConfig {
  const kiosk = kioskFlag(argv);
  return kiosk === undefined ? config : { ...config, ui: { ...config.ui, kiosk } };
}
