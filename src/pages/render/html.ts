/** Markup that is already escaped; anything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

type Value = SafeHtml | string | number | readonly SafeHtml[];

function render(value: Value): string {
  if (value instanceof SafeHtml) {
    return value.value;
  }
  if (Array.isArray(value)) {
    return value.map((v: SafeHtml) => v.value).join('');
  }
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + render(values[i - 1]) + s));
}

/**
 * JSON for a `<script type="application/json">` block: `<` is escaped so no text in it can
 * close the element, and the browser never runs it, so the page CSP needs no inline script.
 */
export const jsonForScript = (value: unknown): SafeHtml =>
  new SafeHtml(JSON.stringify(value).replace(/</g, '\\u003c'));
