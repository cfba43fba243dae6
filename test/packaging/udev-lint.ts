/**
 * A small syntax check for udev rules files. Debian 12's udev (252) has no `udevadm verify`, so this
 * checks what breaks rules silently: unknown keys, a match operator on an assign-only key (or the
 * reverse), unquoted values, a rule that only matches, and a MODE that is not octal.
 */

const MATCH_ONLY = new Set([
  'ACTION',
  'DEVPATH',
  'KERNEL',
  'KERNELS',
  'SUBSYSTEM',
  'SUBSYSTEMS',
  'DRIVER',
  'DRIVERS',
  'ATTRS',
  'TAGS',
  'CONST',
  'TEST',
  'PROGRAM',
  'RESULT',
]);
const ASSIGN_ONLY = new Set([
  'OWNER',
  'GROUP',
  'MODE',
  'SECLABEL',
  'RUN',
  'LABEL',
  'GOTO',
  'IMPORT',
  'OPTIONS',
]);
const BOTH = new Set(['NAME', 'SYMLINK', 'ATTR', 'SYSCTL', 'ENV', 'TAG']);
const WITH_ATTRIBUTE = new Set([
  'ATTR',
  'ATTRS',
  'SYSCTL',
  'ENV',
  'CONST',
  'TEST',
  'SECLABEL',
  'RUN',
  'IMPORT',
]);

const PAIR = /^([A-Z]+)(?:\{([^}]+)\})?\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"$/;

export interface UdevProblem {
  readonly line: number;
  readonly problem: string;
}

export function lintUdevRules(text: string): UdevProblem[] {
  const problems: UdevProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    const line = i + 1;
    if (raw === '' || raw.startsWith('#')) continue;
    if (raw.endsWith('\\')) {
      problems.push({
        line,
        problem: 'line continuation is not used in these rules: keep one rule per line',
      });
      continue;
    }
    let assigns = 0;
    for (const part of raw.split(/,\s*(?=[A-Z]+(?:\{[^}]*\})?\s*(?:==|!=|\+=|-=|:=|=))/)) {
      const pair = PAIR.exec(part.trim());
      if (!pair) {
        problems.push({ line, problem: `not KEY op "value": ${part.trim()}` });
        continue;
      }
      const [, key, attribute, op, value] = pair as unknown as [
        string,
        string,
        string | undefined,
        string,
        string,
      ];
      const isMatch = op === '==' || op === '!=';
      if (!MATCH_ONLY.has(key) && !ASSIGN_ONLY.has(key) && !BOTH.has(key)) {
        problems.push({ line, problem: `unknown key ${key}` });
        continue;
      }
      if (
        WITH_ATTRIBUTE.has(key) !== (attribute !== undefined) &&
        key !== 'RUN' &&
        key !== 'IMPORT' &&
        key !== 'TEST'
      ) {
        problems.push({
          line,
          problem: `${key} ${attribute === undefined ? 'needs' : 'takes no'} {attribute}`,
        });
      }
      if (isMatch && ASSIGN_ONLY.has(key))
        problems.push({ line, problem: `${key} cannot be matched (use =)` });
      if (!isMatch && MATCH_ONLY.has(key))
        problems.push({ line, problem: `${key} can only be matched (use ==)` });
      if (!isMatch) assigns++;
      if (key === 'MODE' && !/^0?[0-7]{3}$/.test(value))
        problems.push({ line, problem: `MODE "${value}" is not octal` });
    }
    if (assigns === 0) problems.push({ line, problem: 'rule has no assignment: it does nothing' });
  }
  return problems;
}
