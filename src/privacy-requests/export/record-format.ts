/** Values of a record as JSON-safe scalars: dates as RFC 3339, bytes as base64, big ints as text. */
export function plainRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(record)) {
    const v = record[k];
    out[k] =
      v instanceof Date
        ? v.toISOString()
        : Buffer.isBuffer(v)
          ? v.toString('base64')
          : typeof v === 'bigint'
            ? v.toString()
            : v;
  }
  return out;
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

/** One CSV line of the record's values in `header` order, CRLF-terminated. */
export function csvRow(header: string[], record: Record<string, unknown>): string {
  let line = '';
  for (let i = 0; i < header.length; i++) {
    line += i === 0 ? csvCell(record[header[i]]) : `,${csvCell(record[header[i]])}`;
  }
  return `${line}\r\n`;
}
