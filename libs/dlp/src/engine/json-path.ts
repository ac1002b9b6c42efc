const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends a member to a JSONPath: `$.user`, or `$['odd key']` when the key is not an identifier. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') {
    return `${parent}[${key}]`;
  }
  if (IDENTIFIER.test(key)) {
    return `${parent}.${key}`;
  }
  return `${parent}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}
