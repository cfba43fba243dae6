// Types of source-times.js for its test (the build scripts stay plain JavaScript).
export declare function snapshotSourceTimes(
  root: string,
  folders: readonly string[],
  extraFiles: readonly string[],
): Promise<Map<string, number>>;
export declare function recordedInputTimes(
  files: readonly string[],
  before: ReadonlyMap<string, number>,
): Record<string, number>;
