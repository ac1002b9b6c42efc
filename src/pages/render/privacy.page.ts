import { JURISDICTIONS, REQUEST_TYPES } from 'src/privacy-requests/deadlines/deadline-rules';
import type { PageTexts } from '../texts/page-texts';
import { codeInputAttributes, inputField } from './controls';
import { html } from './html';
import { layout, options } from './layout';

/** `GET /privacy`: the form, the code step and the subject's requests; privacy.js drives them. */
export function privacyPage(texts: PageTexts): string {
  const t = texts.privacy;
  const main = html`
    <h1>${t.title}</h1>
    <p>${t.intro}</p>
    <section class="notice" aria-labelledby="gpc-heading">
      <h2 id="gpc-heading">${t.gpcHeading}</h2>
      <p>${t.gpcNotice}</p>
      <p id="gpc-detected" hidden></p>
    </section>
    <div id="alert" class="alert" role="alert"></div>
    <div id="message" class="message" role="status" aria-live="polite"></div>

    <section id="request-step" aria-labelledby="request-heading">
      <h2 id="request-heading" tabindex="-1">${t.formHeading}</h2>
      <form id="request-form" method="post" action="/privacy">
        <div class="field">
          <label for="type">${t.typeLabel}</label>
          <select id="type" name="type" required aria-describedby="type-hint">
            ${options(texts.client.types, REQUEST_TYPES)}
          </select>
          <p id="type-hint" class="hint">${t.typeHint}</p>
        </div>
        <div class="field">
          <label for="jurisdiction">${t.jurisdictionLabel}</label>
          <select id="jurisdiction" name="jurisdiction" aria-describedby="jurisdiction-hint">
            <option value="">${t.jurisdictionDefault}</option>
            ${options(t.jurisdictionOptions, JURISDICTIONS)}
          </select>
          <p id="jurisdiction-hint" class="hint">${t.jurisdictionHint}</p>
        </div>
        ${inputField({
          id: 'email',
          name: 'email',
          label: t.emailLabel,
          hint: t.emailHint,
          attrs: { type: 'email', autocomplete: 'email', required: true, spellcheck: 'false' },
        })}
        <button type="submit">${t.submit}</button>
      </form>
    </section>

    <section id="code-step" aria-labelledby="code-heading" hidden>
      <h2 id="code-heading" tabindex="-1">${t.codeHeading}</h2>
      <p id="code-sent"></p>
      <p>${t.codeIntro}</p>
      <form id="code-form" method="post" action="/privacy">
        ${inputField({
          id: 'code',
          name: 'code',
          label: t.codeLabel,
          hint: t.codeHint,
          attrs: { ...codeInputAttributes, pattern: '[0-9]{6}', maxlength: 6 },
        })}
        <div class="actions">
          <button type="submit">${t.codeSubmit}</button>
          <button type="button" id="start-over" class="secondary">${t.startOver}</button>
        </div>
      </form>
    </section>

    <section id="status-step" aria-labelledby="status-heading">
      <h2 id="status-heading" tabindex="-1">${t.statusHeading}</h2>
      <p>${t.statusIntro}</p>
      <p id="no-requests">${t.noRequests}</p>
      <div id="requests"></div>
    </section>
  `;
  return layout(texts, {
    title: `${t.title} · ${texts.common.serviceName}`,
    script: 'privacy.js',
    header: html`<p class="brand">${texts.common.serviceName}</p>`,
    main,
    labels: t,
  });
}
