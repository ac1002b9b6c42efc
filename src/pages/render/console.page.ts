import { REQUEST_TYPES } from 'src/privacy-requests/deadlines/deadline-rules';
import { REQUEST_STATUSES } from 'src/privacy-requests/privacy-request.state';
import type { PageTexts } from '../texts/page-texts';
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
        <div class="field">
          <label for="login-email">${t.emailLabel}</label>
          <input
            id="login-email"
            name="email"
            type="email"
            autocomplete="username"
            required
            spellcheck="false"
          />
        </div>
        <div class="field">
          <label for="login-password">${t.passwordLabel}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
        </div>
        <button type="submit">${t.loginSubmit}</button>
      </form>
    </section>

    <section id="mfa-step" aria-labelledby="mfa-heading" hidden>
      <h2 id="mfa-heading" tabindex="-1">${t.mfaHeading}</h2>
      <p>${t.mfaIntro}</p>
      <form id="mfa-form" method="post" action="/console">
        <div class="field">
          <label for="mfa-code">${t.codeLabel}</label>
          <input
            id="mfa-code"
            name="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            required
            spellcheck="false"
            aria-describedby="mfa-code-hint"
          />
          <p id="mfa-code-hint" class="hint">${t.codeHint}</p>
        </div>
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
        <div class="table-wrap" tabindex="0">
          <table id="requests-table">
            <caption class="visually-hidden">
              ${t.requestsHeading}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t.colDue}</th>
                <th scope="col">${t.colType}</th>
                <th scope="col">${t.colStatus}</th>
                <th scope="col">${t.colJurisdiction}</th>
                <th scope="col">${t.colReceived}</th>
                <th scope="col">${t.colActions}</th>
              </tr>
            </thead>
            <tbody></tbody>
          </table>
        </div>
        <p id="no-requests" hidden></p>
        <button type="button" id="more" class="secondary" hidden>${t.more}</button>
      </section>

      <section id="detail-section" aria-labelledby="detail-heading" hidden>
        <h2 id="detail-heading" tabindex="-1">${t.detailHeading}</h2>
        <dl id="detail-facts" class="facts"></dl>
        <h3>${t.tasksHeading}</h3>
        <div class="table-wrap" tabindex="0">
          <table id="tasks-table">
            <thead>
              <tr>
                <th scope="col">${t.colDataStore}</th>
                <th scope="col">${t.colStatus}</th>
                <th scope="col">${t.colAttempts}</th>
                <th scope="col">${t.colDetail}</th>
              </tr>
            </thead>
            <tbody></tbody>
          </table>
        </div>
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
          <figure>
            <figcaption>${c.console.sla.byTypeChart}</figcaption>
            <div class="chart">
              <canvas id="chart-type" role="img" aria-label="${c.console.sla.byTypeChart}"></canvas>
            </div>
            <details>
              <summary>${c.console.sla.chartData}</summary>
              <table id="chart-type-data"></table>
            </details>
          </figure>
          <figure>
            <figcaption>${c.console.sla.byStatusChart}</figcaption>
            <div class="chart">
              <canvas
                id="chart-status"
                role="img"
                aria-label="${c.console.sla.byStatusChart}"
              ></canvas>
            </div>
            <details>
              <summary>${c.console.sla.chartData}</summary>
              <table id="chart-status-data"></table>
            </details>
          </figure>
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
