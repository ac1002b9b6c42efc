import { html, SafeHtml } from './html';

/** Attributes of an `<input>` beyond its id and name; `true` renders a bare boolean attribute. */
type InputAttributes = Record<string, string | number | true>;

function attributes(attrs: InputAttributes): SafeHtml {
  return new SafeHtml(
    Object.entries(attrs)
      .map(([name, value]) =>
        value === true ? ` ${name}` : html` ${name}="${String(value)}"`.value,
      )
      .join(''),
  );
}

/**
 * A labelled input with an optional hint the input is described by: every form field of both
 * pages, so labels and hints are wired the same way everywhere.
 */
export function inputField(field: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  attrs: InputAttributes;
}): SafeHtml {
  const hintId = `${field.id}-hint`;
  const described: InputAttributes = field.hint ? { 'aria-describedby': hintId } : {};
  return html`<div class="field">
    <label for="${field.id}">${field.label}</label>
    <input id="${field.id}" name="${field.name}" ${attributes({ ...field.attrs, ...described })} />
    ${field.hint ? html`<p id="${hintId}" class="hint">${field.hint}</p>` : ''}
  </div>`;
}

/** The mailed or authenticator code: digits, filled in from a message where the device can. */
export const codeInputAttributes: InputAttributes = {
  type: 'text',
  inputmode: 'numeric',
  autocomplete: 'one-time-code',
  required: true,
  spellcheck: 'false',
};

/** A scrollable table whose rows the page script fills in; column headings come from the texts. */
export function dataTable(id: string, columns: string[], caption?: string): SafeHtml {
  return html`<div class="table-wrap" tabindex="0">
    <table id="${id}">
      ${
        caption
          ? html`<caption class="visually-hidden">
              ${caption}
            </caption>`
          : ''
      }
      <thead>
        <tr>
          ${columns.map((column) => html`<th scope="col">${column}</th>`)}
        </tr>
      </thead>
      <tbody></tbody>
    </table>
  </div>`;
}

/** A chart with its numbers as a table beside it, for readers who cannot see the canvas. */
export function chartFigure(id: string, caption: string, dataLabel: string): SafeHtml {
  return html`<figure>
    <figcaption>${caption}</figcaption>
    <div class="chart">
      <canvas id="${id}" role="img" aria-label="${caption}"></canvas>
    </div>
    <details>
      <summary>${dataLabel}</summary>
      <table id="${id}-data"></table>
    </details>
  </figure>`;
}
