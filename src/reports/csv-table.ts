export type CsvValue = string | number | boolean | null | undefined | readonly string[];

/**
 * One cell: lists joined by "; ", quoted when it holds a quote, comma or line break (RFC 4180),
 * and text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
 * return) prefixed with an apostrophe, as OWASP advises against CSV injection. Numbers are
 * written as they are, so a negative count stays a number.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  let text = typeof value === 'string' ? value : value.join('; ');
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: the header, then one CRLF-terminated line per row in header order. */
export function csvTable<K extends string>(
  header: readonly K[],
  rows: ReadonlyArray<Record<K, CsvValue>>,
): string {
  const line = (cells: CsvValue[]): string => `${cells.map(csvCell).join(',')}\r\n`;
  return line([...header]) + rows.map((r) => line(header.map((h) => r[h]))).join('');
}
