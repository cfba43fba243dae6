// Types of check-system-packages.js for its test (the script itself stays plain JavaScript, runnable
// by whatever Node `npm test` finds before anything is built).
export declare const TEST_PACKAGES: readonly string[];
export declare function installedFrom(dpkgOutput: string): Set<string>;
export declare function installCommand(missing: readonly string[], sudo: boolean): string;
export type Decision =
  | { action: 'none'; missing: string[] }
  | { action: 'install'; missing: string[]; sudo: boolean }
  | { action: 'stop'; missing: string[]; message: string };
export declare function plan(
  machine: { installed: Set<string>; isRoot: boolean; passwordlessSudo: () => boolean },
  packages?: readonly string[],
): Decision;
export declare function main(): number;
