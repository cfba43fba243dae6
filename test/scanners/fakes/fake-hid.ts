/** A fake node-hid module: devices are EventEmitters, so a test emits 'data' exactly as node-hid does. */
import { EventEmitter } from 'node:events';
import type { HidDeviceHandle, HidDeviceInfo, HidModule } from '../../../core/scanners/hid/hid-module.ts';

export class FakeHidDevice extends EventEmitter implements HidDeviceHandle {
  closed = false;
  readonly featureReports: number[][] = [];
  readonly outputReports: number[][] = [];
  override on(event: 'data' | 'error', listener: (value: never) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }
  close(): void {
    this.closed = true;
  }
  sendFeatureReport(data: number[]): number {
    this.featureReports.push(data);
    return data.length;
  }
  write(data: number[]): number {
    this.outputReports.push(data);
    return data.length;
  }
  report(bytes: Uint8Array): void {
    this.emit('data', Buffer.from(bytes));
  }
}

export class FakeHid implements HidModule {
  devices: HidDeviceInfo[] = [];
  readonly opened: FakeHidDevice[] = [];
  openError: Error | undefined;
  async devicesAsync(): Promise<HidDeviceInfo[]> {
    return this.devices;
  }
  readonly HIDAsync = {
    open: async (_path: string): Promise<HidDeviceHandle> => {
      if (this.openError) throw this.openError;
      const device = new FakeHidDevice();
      this.opened.push(device);
      return device;
    },
  };
  last(): FakeHidDevice {
    const device = this.opened.at(-1);
    if (!device) throw new Error('no device opened');
    return device;
  }
}
