/** A command line as the CLI reads it: `<command> [--name value]... [--flag]...`. */
export interface ParsedArgs {
  command: string | undefined;
  /** Every `--name value`; a name given twice keeps both values, in order. */
  options: Map<string, string[]>;
  flags: Set<string>;
}

export class UsageError extends Error {}

/**
 * Reads `argv` (without node and the script). `flagNames` take no value; `optionNames` take the
 * next word (or `--name=value`); any other `--name` is unknown. Nothing positional follows the
 * command.
 */
export function parseArgs(
  argv: readonly string[],
  flagNames: ReadonlySet<string>,
  optionNames: ReadonlySet<string>,
): ParsedArgs {
  const parsed: ParsedArgs = { command: undefined, options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith('--')) {
      if (parsed.command !== undefined) {
        throw new UsageError(`unexpected argument "${word}"`);
      }
      parsed.command = word;
      continue;
    }
    const [name, inline] = splitOnce(word.slice(2), '=');
    if (name === '') {
      throw new UsageError('an option needs a name');
    }
    if (flagNames.has(name)) {
      if (inline !== undefined) {
        throw new UsageError(`--${name} takes no value`);
      }
      parsed.flags.add(name);
      continue;
    }
    if (!optionNames.has(name)) {
      throw new UsageError(`unknown option --${name}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    parsed.options.set(name, [...(parsed.options.get(name) ?? []), value]);
  }
  return parsed;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** The single value of a required option. */
export function required(args: ParsedArgs, name: string): string {
  const values = args.options.get(name);
  if (!values || values.length === 0) {
    throw new UsageError(`--${name} is required`);
  }
  if (values.length > 1) {
    throw new UsageError(`--${name} is given more than once`);
  }
  return values[0];
}

/** Fails on any option the command does not know, naming it. */
export function onlyKnown(
  args: ParsedArgs,
  options: readonly string[],
  flags: readonly string[],
): void {
  for (const name of args.options.keys()) {
    if (!options.includes(name)) {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  for (const name of args.flags) {
    if (!flags.includes(name) && name !== 'help') {
      throw new UsageError(`unknown option --${name}`);
    }
  }
}
