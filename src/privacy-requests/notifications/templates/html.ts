/** Markup already escaped; only `html` makes one, so every other value is escaped on the way in. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

type Value = string | number | SafeHtml | ReadonlyArray<SafeHtml>;

/** Tagged template: escapes every interpolated value except SafeHtml built by this tag. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const piece =
      v instanceof SafeHtml
        ? v.value
        : Array.isArray(v)
          ? (v as ReadonlyArray<SafeHtml>).map((h) => h.value).join('')
          : escapeHtml(String(v));
    out += piece + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** A whole message: paragraphs in a minimal, client-safe layout. */
export function page(lang: string, title: string, paragraphs: SafeHtml[]): string {
  return html`<!DOCTYPE html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body style="font-family:sans-serif;line-height:1.5;max-width:40em">
        ${paragraphs.map((p) => html`<p>${p}</p> `)}
      </body>
    </html> `.value;
}
