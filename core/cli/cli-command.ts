export interface CliCommand {
  /** Returns the exit status. Long-running commands resolve when they are told to stop. */
  run(args: readonly string[]): Promise<number>;
}

/** `--port 8080 --host x` → { port: '8080', host: 'x' }; bare `--flag` → 'true'; others positional. */
export function parseArgs(args: readonly string[]): { flags: Record<string, string>; positional: string[] } {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) {
        flags[arg.slice(2, eq)] = arg.slice(eq + 1);
      } else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) {
        flags[arg.slice(2)] = args[++i]!;
      } else {
        flags[arg.slice(2)] = 'true';
      }
    } else {
      positional.push(arg);
    }
  }
  return { flags, positional };
}
