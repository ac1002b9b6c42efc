/** Deepest nesting of arrays and objects a JSON body may have. */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether `raw` holds more than `limit` opening brackets, inside strings or not. */
function opensMoreThan(raw: Uint8Array, limit: number): boolean {
  const bytes = Buffer.isBuffer(raw)
    ? raw
    : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let count = 0;
  for (const open of [OPEN_BRACE, OPEN_BRACKET]) {
    for (let i = bytes.indexOf(open); i !== -1; i = bytes.indexOf(open, i + 1)) {
      count += 1;
      if (count > limit) {
        return true;
      }
    }
  }
  return false;
}

/**
 * Whether raw JSON nests deeper than `max`, found by one pass over its bytes before it is parsed:
 * deeper values would reach the recursive transform and validation steps and exhaust the stack.
 * Nesting never exceeds the count of opening brackets, and most bodies hold a few (a batch of a
 * thousand fields, two): those are judged by the native byte search alone, not a pass in script.
 */
export function jsonDeeperThan(raw: Uint8Array, max: number): boolean {
  if (!opensMoreThan(raw, max)) {
    return false;
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (inString) {
      if (b === BACKSLASH) {
        i++;
      } else if (b === QUOTE) {
        inString = false;
      }
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      depth++;
      if (depth > max) {
        return true;
      }
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Why a text is refused: a lone UTF-16 surrogate, or a NUL (no text of this service is binary). */
export type TextFault = 'ill-formed' | 'nul';

/** Node 20 has `isWellFormed` (ES2024); the compiler's lib is older. */
type Es2024String = string & { isWellFormed(): boolean };

export function textFault(text: string): TextFault | undefined {
  if (!(text as Es2024String).isWellFormed()) {
    return 'ill-formed';
  }
  return text.includes('\u0000') ? 'nul' : undefined;
}

/**
 * The first string (value or key) in `value` that is not acceptable text, with its dotted path
 * from `root`. Walked with an explicit stack so no input depth can overflow it; strings are
 * checked where they stand and a path is only built for a fault or a nested value, since bodies
 * can hold a thousand fields.
 */
export function findTextFault(
  value: unknown,
  root: string,
): { field: string; fault: TextFault } | undefined {
  if (typeof value === 'string') {
    const fault = textFault(value);
    return fault ? { field: root, fault } : undefined;
  }
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i += 1) {
        const item: unknown = current[i];
        if (typeof item === 'string') {
          const fault = textFault(item);
          if (fault) {
            return { field: `${path}[${i}]`, fault };
          }
        } else if (typeof item === 'object' && item !== null) {
          stack.push([item, `${path}[${i}]`]);
        }
      }
    } else if (typeof current === 'object' && current !== null) {
      const record = current as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const keyFault = textFault(key);
        // The key itself is the bad text: name its parent, never the key.
        if (keyFault) {
          return { field: path, fault: keyFault };
        }
        const item = record[key];
        if (typeof item === 'string') {
          const fault = textFault(item);
          if (fault) {
            return { field: path ? `${path}.${key}` : key, fault };
          }
        } else if (typeof item === 'object' && item !== null) {
          stack.push([item, path ? `${path}.${key}` : key]);
        }
      }
    }
  }
  return undefined;
}

export const TEXT_FAULT_MESSAGE: Record<TextFault, string> = {
  'ill-formed': 'must be well-formed Unicode text (no lone surrogates)',
  nul: 'must not contain NUL characters',
};
