/**
 * What every `scanpay` command is, and how it reads its options. Options are read by node:util's
 * parseArgs in strict mode, so a command names the options it takes: an unknown option or one that
 * needs a value and has none is a usage error (exit 2), never guessed at (`--out` with no directory
 * once became a folder named "true").
 */
import { parseArgs as parseNodeArgs } from 'node:util';

export interface CliCommand {
  /** Returns the exit status. Long-running commands resolve when they are told to stop. */
  run(args: readonly string[]): Promise<number>;
}

/** The options a command takes: `values` need one (`--port 8080`), `booleans` stand alone (`--raw`). */
export interface CliOptionSpec {
  readonly values?: readonly string[];
  readonly booleans?: readonly string[];
}

/** The command line itself is wrong; main prints the message after the command's name and exits 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export const USAGE_EXIT_STATUS = 2;

/**
 * `--port 8080 --host=x --raw extra` → { flags: { port: '8080', host: 'x', raw: 'true' }, positional: ['extra'] }.
 * The last of a repeated option wins.
 */
export function parseArgs(
  args: readonly string[],
  spec: CliOptionSpec,
): { flags: Record<string, string>; positional: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple: true }> = {};
  for (const name of spec.values ?? []) options[name] = { type: 'string', multiple: true };
  for (const name of spec.booleans ?? []) options[name] = { type: 'boolean', multiple: true };
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new CliUsageError(usageMessage(error, spec));
  }
  const flags: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) flags[name] = String(last);
  }
  return { flags, positional: [...parsed.positionals] };
}

/** node:util's messages, said in one short line that names the option. */
function usageMessage(error: unknown, spec: CliOptionSpec): string {
  const code = (error as { code?: string }).code;
  const text = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^' ]+)/.exec(text)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = [...(spec.values ?? []), ...(spec.booleans ?? [])].map((name) => `--${name}`);
    return `unknown option ${option}${known.length ? ` (this command takes ${known.join(', ')})` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([\w-]+)/.exec(text)?.[1] ?? option.replace(/^-+/, '');
    if (spec.booleans?.includes(name)) return `option --${name} takes no value`;
    return /ambiguous/.test(text)
      ? `option --${name} needs a value (write --${name}=VALUE for a value that starts with "-")`
      : `option --${name} needs a value`;
  }
  return text.split('\n')[0] ?? text;
}
