import { REQUEST_TYPES } from 'src/privacy-requests/deadlines/deadline-rules';
import { REQUEST_STATUSES } from 'src/privacy-requests/privacy-request.state';
import type { PageTexts } from '../texts/page-texts';
import { chartFigure, codeInputAttributes, dataTable, inputField } from './controls';
import { html } from './html';
import { layout, options } from './layout';

/** `GET /console`: login, then the request list, a request's detail, the SLA charts and registers. */
export function consolePage(texts: PageTexts): string {
  const t = texts.console;
  const c = texts.client;
  const header = html` <p class="brand">${t.title}</p>
    <nav id="console-nav" aria-label="${t.navLabel}" hidden>
      <ul>
        <li><a href="#requests-section">${t.navRequests}</a></li>
        <li><a href="#sla-section">${t.navSla}</a></li>
        <li><a href="#incidents-section">${t.navIncidents}</a></li>
        <li><a href="#alerts-section">${t.navAlerts}</a></li>
        <li>
          <a id="board-link" href="/admin/queues/" target="_blank" rel="noopener"
            >${t.navQueueBoard}</a
          >
        </li>
        <li><button type="button" id="logout" class="link-button">${t.logout}</button></li>
      </ul>
    </nav>`;
  const main = html`
    <h1>${t.title}</h1>
    <div id="alert" class="alert" role="alert"></div>
    <div id="message" class="message" role="status" aria-live="polite"></div>

    <section id="login-step" aria-labelledby="login-heading">
      <h2 id="login-heading" tabindex="-1">${t.loginHeading}</h2>
      <form id="login-form" method="post" action="/console">
        ${inputField({
          id: 'login-email',
          name: 'email',
          label: t.emailLabel,
          attrs: { type: 'email', autocomplete: 'username', required: true, spellcheck: 'false' },
        })}
        ${inputField({
          id: 'login-password',
          name: 'password',
          label: t.passwordLabel,
          attrs: { type: 'password', autocomplete: 'current-password', required: true },
        })}
        <button type="submit">${t.loginSubmit}</button>
      </form>
    </section>

    <section id="mfa-step" aria-labelledby="mfa-heading" hidden>
      <h2 id="mfa-heading" tabindex="-1">${t.mfaHeading}</h2>
      <p>${t.mfaIntro}</p>
      <form id="mfa-form" method="post" action="/console">
        ${inputField({
          id: 'mfa-code',
          name: 'code',
          label: t.codeLabel,
          hint: t.codeHint,
          attrs: codeInputAttributes,
        })}
        <div class="actions">
          <button type="submit">${t.codeSubmit}</button>
          <button type="button" id="passkey" class="secondary" hidden>${t.passkeySubmit}</button>
          <button type="button" id="mfa-cancel" class="secondary">${t.cancel}</button>
        </div>
      </form>
    </section>

    <div id="app" hidden>
      <section id="requests-section" aria-labelledby="requests-heading">
        <h2 id="requests-heading" tabindex="-1">${t.requestsHeading}</h2>
        <form id="filters" class="filters">
          <fieldset>
            <legend>${t.filtersLegend}</legend>
            <div class="field">
              <label for="filter-status">${t.filterStatus}</label>
              <select id="filter-status" name="status">
                <option value="">${t.filterAny}</option>
                ${options(c.statuses, REQUEST_STATUSES)}
              </select>
            </div>
            <div class="field">
              <label for="filter-type">${t.filterType}</label>
              <select id="filter-type" name="type">
                <option value="">${t.filterAny}</option>
                ${options(c.types, REQUEST_TYPES)}
              </select>
            </div>
            <div class="field">
              <label for="filter-due-before">${t.filterDueBefore}</label>
              <input id="filter-due-before" name="dueBefore" type="date" />
            </div>
            <div class="field checkbox">
              <input id="filter-overdue" name="overdue" type="checkbox" value="true" />
              <label for="filter-overdue">${t.filterOverdue}</label>
            </div>
            <button type="submit">${t.filterApply}</button>
          </fieldset>
        </form>
        ${dataTable(
          'requests-table',
          [t.colDue, t.colType, t.colStatus, t.colJurisdiction, t.colReceived, t.colActions],
          t.requestsHeading,
        )}
        <p id="no-requests" hidden></p>
        <button type="button" id="more" class="secondary" hidden>${t.more}</button>
      </section>

      <section id="detail-section" aria-labelledby="detail-heading" hidden>
        <h2 id="detail-heading" tabindex="-1">${t.detailHeading}</h2>
        <dl id="detail-facts" class="facts"></dl>
        <h3>${t.tasksHeading}</h3>
        ${dataTable('tasks-table', [t.colDataStore, t.colStatus, t.colAttempts, t.colDetail])}
        <h3>${t.eventsHeading}</h3>
        <ol id="events" class="events"></ol>
        <h3>${t.actionsHeading}</h3>
        <form id="action-form">
          <div class="field">
            <label for="reason">${t.reasonLabel}</label>
            <textarea
              id="reason"
              name="reason"
              rows="3"
              maxlength="1000"
              aria-describedby="reason-hint"
            ></textarea>
            <p id="reason-hint" class="hint">${t.reasonHint}</p>
          </div>
          <div class="actions">
            <button type="submit" name="action" value="extend">${t.extend}</button>
            <button type="submit" name="action" value="reject" class="danger">${t.reject}</button>
            <button type="submit" name="action" value="retry" class="secondary">${t.retry}</button>
          </div>
        </form>
        <button type="button" id="close-detail" class="secondary">${t.closeDetail}</button>
      </section>

      <section id="sla-section" aria-labelledby="sla-heading">
        <h2 id="sla-heading" tabindex="-1">${t.slaHeading}</h2>
        <dl id="sla-figures" class="figures"></dl>
        <div class="charts">
          ${chartFigure('chart-type', c.console.sla.byTypeChart, c.console.sla.chartData)}
          ${chartFigure('chart-status', c.console.sla.byStatusChart, c.console.sla.chartData)}
        </div>
      </section>

      <section id="incidents-section" aria-labelledby="incidents-heading">
        <h2 id="incidents-heading" tabindex="-1">${t.incidentsHeading}</h2>
        <div id="incidents"></div>
      </section>

      <section id="alerts-section" aria-labelledby="alerts-heading">
        <h2 id="alerts-heading" tabindex="-1">${t.alertsHeading}</h2>
        <div id="alerts"></div>
      </section>
    </div>
  `;
  return layout(texts, {
    title: t.title,
    script: 'console.js',
    libraries: ['vendor/chart.umd.min.js'],
    header,
    main,
    labels: t,
  });
}
