import type { PageTexts } from '../texts/page-texts';
import { html, jsonForScript, SafeHtml } from './html';

export const ASSETS_PATH = '/assets/pages';

/** The frame both pages share: landmarks, the stylesheet, their texts as data and one script. */
export function layout(
  texts: PageTexts,
  page: {
    title: string;
    script: string;
    header: SafeHtml;
    main: SafeHtml;
    /** Same-origin library scripts the page script uses (run first, in order). */
    libraries?: string[];
    /** The page's own labels its script needs too (table headings and such). */
    labels: object;
  },
): string {
  return `<!DOCTYPE html>\n${
    html`<html lang="${texts.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <link rel="icon" href="data:," />
        <title>${page.title}</title>
        <link rel="stylesheet" href="${ASSETS_PATH}/pages.css" />
        <script type="application/json" id="page-texts">
          ${jsonForScript({ ...texts.client, labels: page.labels })}
        </script>
        ${(page.libraries ?? []).map(
          (l) => html`<script defer src="${ASSETS_PATH}/${l}"></script> `,
        )}
        <script type="module" src="${ASSETS_PATH}/${page.script}"></script>
      </head>
      <body>
        <a class="skip-link" href="#main">${texts.common.skipToContent}</a>
        <header class="site-header">${page.header}</header>
        <main id="main" tabindex="-1">${page.main}</main>
      </body>
    </html> `.value
  }`;
}

/** `<option>`s of a select, values as the API spells them and labels from the texts. */
export const options = (labels: Record<string, string>, keys: readonly string[]): SafeHtml[] =>
  keys.map((k) => html`<option value="${k}">${labels[k]}</option>`);
