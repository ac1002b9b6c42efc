/**
 * Values of a record as JSON-safe scalars: dates as RFC 3339, bytes as base64, big ints as text.
 * Built with `Object.fromEntries`, so a key a store names `__proto__` stays a field of the record
 * instead of replacing its prototype (and vanishing from the export).
 */
export function plainRecord(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [
      k,
      v instanceof Date
        ? v.toISOString()
        : Buffer.isBuffer(v)
          ? v.toString('base64')
          : typeof v === 'bigint'
            ? v.toString()
            : v,
    ]),
  );
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
        ? String(value)
        : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One CSV line of the record's values in `header` order, CRLF-terminated. Only the record's own
 * fields count: a later record without a column named `constructor` has an empty cell there.
 */
export function csvRow(header: string[], record: Record<string, unknown>): string {
  const cell = (name: string): string =>
    csvCell(Object.hasOwn(record, name) ? record[name] : undefined);
  let line = '';
  for (let i = 0; i < header.length; i++) {
    line += i === 0 ? cell(header[i]) : `,${cell(header[i])}`;
  }
  return `${line}\r\n`;
}
