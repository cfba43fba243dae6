/** What the figures were measured on, printed above every benchmark table. */
import { cpus, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

export function describeMachine(info: MachineInfo = machineInfo()): string {
  return `machine: ${info.cpu} × ${info.cores} cores, ${info.memoryGiB} GiB, ${info.os}, Node ${info.node}`;
}
