// The console: log in (password, then a second factor), then requests, deadlines, registers.
import {
  $,
  api,
  ApiError,
  busy,
  clearNotices,
  dateTime,
  el,
  fmt,
  reveal,
  showAlert,
  showError,
  showMessage,
  T,
} from './page.js';

const C = T.console;
const L = T.labels;
const PAGE_SIZE = 50;

/** The tokens live in memory only: a reload asks for the login again. */
let token;
let refreshToken;
let refreshTimer;
let mfaToken;
let nextCursor = null;
let current;
const charts = {};

function endSession(message) {
  clearTimeout(refreshTimer);
  token = undefined;
  refreshToken = undefined;
  mfaToken = undefined;
  current = undefined;
  $('app').hidden = true;
  $('console-nav').hidden = true;
  $('mfa-step').hidden = true;
  $('login-form').reset();
  reveal($('login-step'), $('login-heading'));
  if (message) {
    showAlert(message);
  }
}

/** An API call with the session's token; a 401 means the session is over (expired or revoked). */
async function call(method, path, body) {
  try {
    return await api(method, path, { token, body });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      endSession(T.errors.sessionEnded);
    }
    throw error;
  }
}

/**
 * Keeps the session going while the console is open: a minute before the access token expires,
 * the refresh token buys new ones (and a new board cookie). An idle or ended session refuses.
 */
function keepAlive(tokens) {
  token = tokens.accessToken;
  refreshToken = tokens.refreshToken;
  clearTimeout(refreshTimer);
  if (!refreshToken || !tokens.expiresIn) {
    return;
  }
  refreshTimer = setTimeout(
    async () => {
      try {
        keepAlive(await api('POST', '/v1/auth/refresh', { body: { refreshToken } }));
        await openBoardSession();
      } catch {
        endSession(T.errors.sessionEnded);
      }
    },
    Math.max(10, tokens.expiresIn - 60) * 1000,
  );
}

async function loggedIn(tokens) {
  keepAlive(tokens);
  mfaToken = undefined;
  $('login-step').hidden = true;
  $('mfa-step').hidden = true;
  $('console-nav').hidden = false;
  $('app').hidden = false;
  showMessage(C.loggedIn);
  $('requests-heading').focus();
  await Promise.all([openBoardSession(), loadRequests(), loadSla(), loadIncidents(), loadAlerts()]);
}

/** The queue board opens in its own tab with a cookie tied to this session (admins only). */
async function openBoardSession() {
  try {
    await api('POST', '/v1/admin/queue-board/session', { token });
    $('board-link').parentElement.hidden = false;
  } catch {
    $('board-link').parentElement.hidden = true;
  }
}

async function login(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const data = new FormData(form);
  clearNotices();
  try {
    const res = await busy(form, () =>
      api('POST', '/v1/auth/login', {
        body: { email: String(data.get('email')).trim(), password: data.get('password') },
      }),
    );
    form.reset();
    if (res.mfaRequired) {
      mfaToken = res.mfaToken;
      $('login-step').hidden = true;
      $('mfa-form').reset();
      reveal($('mfa-step'), $('mfa-heading'));
      void offerPasskey(res.mfaMethods);
      return;
    }
    await loggedIn(res);
  } catch (error) {
    showError(error, { 401: T.errors.badLogin });
  }
}

async function verifyMfa(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const code = String(new FormData(form).get('code')).trim();
  clearNotices();
  try {
    const res = await busy(form, () =>
      api('POST', '/v1/auth/mfa/verify', { body: { mfaToken, code } }),
    );
    await loggedIn(res);
  } catch (error) {
    showError(error, { 401: T.errors.wrongCode, 422: T.errors.wrongCode });
    $('mfa-code').focus();
  }
}

/** The passkey button shows only when the login offers a passkey (`mfaMethods`). */
async function offerPasskey(methods) {
  const button = $('passkey');
  button.hidden = true;
  if (!methods?.includes('webauthn') || !window.PublicKeyCredential?.parseRequestOptionsFromJSON) {
    return;
  }
  try {
    const options = await api('POST', '/v1/auth/mfa/webauthn/options', { body: { mfaToken } });
    button.dataset.options = JSON.stringify(options);
    button.hidden = false;
  } catch {
    showAlert(C.passkeyUnavailable);
  }
}

async function usePasskey() {
  clearNotices();
  try {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(
      JSON.parse($('passkey').dataset.options),
    );
    const credential = await navigator.credentials.get({ publicKey });
    const res = await api('POST', '/v1/auth/mfa/verify', {
      body: { mfaToken, webauthn: credential.toJSON() },
    });
    await loggedIn(res);
  } catch {
    showAlert(C.passkeyFailed);
  }
}

async function logout() {
  clearNotices();
  try {
    await api('DELETE', '/v1/admin/queue-board/session', { token });
  } catch {
    // Not an admin, or already gone: the session's end below closes the board anyway.
  }
  try {
    await api('POST', '/v1/auth/logout', { token });
  } catch {
    // An expired session is over already.
  }
  endSession();
  showMessage(C.loggedOut);
}

// ---- requests

function filterQuery() {
  const data = new FormData($('filters'));
  const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const name of ['status', 'type']) {
    if (data.get(name)) {
      q.set(name, String(data.get(name)));
    }
  }
  if (data.get('overdue')) {
    q.set('overdue', 'true');
  }
  if (data.get('dueBefore')) {
    q.set('dueBefore', new Date(`${data.get('dueBefore')}T00:00:00`).toISOString());
  }
  return q;
}

function requestRow(r) {
  const open = el(
    'button',
    { type: 'button', class: 'secondary' },
    C.open,
    el(
      'span',
      { class: 'visually-hidden' },
      `: ${fmt(C.detailFor, { type: T.types[r.type] ?? r.type, id: r.id })}`,
    ),
  );
  open.addEventListener('click', () => void openDetail(r.id));
  return el(
    'tr',
    { class: r.overdue ? 'overdue' : '', 'data-request-id': r.id },
    el(
      'td',
      {},
      dateTime(r.dueAt),
      r.overdue ? el('span', { class: 'badge overdue' }, C.overdue) : null,
    ),
    el('td', {}, T.types[r.type] ?? r.type),
    el('td', {}, T.statuses[r.status] ?? r.status),
    el('td', {}, T.jurisdictions[r.jurisdiction] ?? r.jurisdiction),
    el('td', {}, dateTime(r.receivedAt)),
    el('td', {}, open),
  );
}

async function loadRequests(append = false) {
  const q = filterQuery();
  if (append && nextCursor) {
    q.set('cursor', nextCursor);
  }
  try {
    const page = await call('GET', `/v1/admin/privacy-requests?${q}`);
    const body = $('requests-table').tBodies[0];
    const rows = page.items.map(requestRow);
    if (append) {
      body.append(...rows);
    } else {
      body.replaceChildren(...rows);
    }
    nextCursor = page.nextCursor;
    $('more').hidden = !nextCursor;
    $('no-requests').textContent = C.noRequests;
    $('no-requests').hidden = body.rows.length > 0;
  } catch (error) {
    if (token) {
      showError(error);
    }
  }
}

function fact(term, value) {
  return value === undefined || value === null || value === ''
    ? []
    : [el('dt', {}, term), el('dd', {}, value)];
}

async function openDetail(id) {
  clearNotices();
  try {
    const r = await call('GET', `/v1/privacy-requests/${id}`);
    current = r;
    $('detail-heading').textContent = fmt(C.detailFor, {
      type: T.types[r.type] ?? r.type,
      id: r.id,
    });
    $('detail-facts').replaceChildren(
      ...fact(L.colStatus, T.statuses[r.status] ?? r.status),
      ...fact(L.colJurisdiction, T.jurisdictions[r.jurisdiction] ?? r.jurisdiction),
      ...fact(L.colReceived, dateTime(r.receivedAt)),
      ...fact(L.colDue, dateTime(r.extendedDueAt ?? r.dueAt)),
      ...fact(L.reasonLabel, r.extensionReason),
      ...fact(L.colDetail, r.failureReason),
    );
    $('tasks-table').tBodies[0].replaceChildren(
      ...(r.tasks.length === 0
        ? [el('tr', {}, el('td', { colspan: 4 }, C.noTasks))]
        : r.tasks.map((t) =>
            el(
              'tr',
              {},
              el('td', {}, t.dataStore),
              el('td', {}, T.taskStatuses[t.status] ?? t.status),
              el('td', {}, t.attempts),
              el('td', {}, t.detail ?? ''),
            ),
          )),
    );
    $('events').replaceChildren(
      ...(r.events.length === 0
        ? [el('li', {}, C.noEvents)]
        : r.events.map((e) =>
            el(
              'li',
              {},
              el('time', { datetime: e.at }, dateTime(e.at)),
              ` ${e.action} (${e.actorType})`,
            ),
          )),
    );
    $('action-form').reset();
    reveal($('detail-section'), $('detail-heading'));
  } catch (error) {
    showError(error);
  }
}

async function act(event) {
  event.preventDefault();
  const action = event.submitter?.value;
  const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
  if (!current || !action) {
    return;
  }
  if (action !== 'retry' && reason === '') {
    showAlert(C.reasonRequired);
    $('reason').focus();
    return;
  }
  clearNotices();
  const id = current.id;
  try {
    const res = await busy(event.currentTarget, () =>
      call(
        'POST',
        `/v1/admin/privacy-requests/${id}/${action}`,
        action === 'retry' ? undefined : { reason },
      ),
    );
    await Promise.all([openDetail(id), loadRequests(), loadSla()]);
    showMessage(
      action === 'extend'
        ? fmt(C.extended, { date: dateTime(res.dueAt) })
        : action === 'reject'
          ? C.rejected
          : C.retried,
    );
  } catch (error) {
    showError(error);
  }
}

// ---- SLA, incidents, alerts

function chartTable(tableId, labels, counts) {
  $(tableId).replaceChildren(
    el(
      'thead',
      {},
      el('tr', {}, el('th', { scope: 'col' }, L.colType), el('th', { scope: 'col' }, C.sla.count)),
    ),
    el(
      'tbody',
      {},
      labels.map((label, i) =>
        el('tr', {}, el('th', { scope: 'row' }, label), el('td', {}, counts[i])),
      ),
    ),
  );
}

function barChart(canvasId, tableId, names, byKey) {
  const keys = Object.keys(names).filter(
    (k) => (byKey[k] ?? 0) > 0 || Object.keys(byKey).length === 0,
  );
  const labels = keys.map((k) => names[k]);
  const counts = keys.map((k) => byKey[k] ?? 0);
  chartTable(tableId, labels, counts);
  charts[canvasId]?.destroy();
  if (!window.Chart) {
    return;
  }
  charts[canvasId] = new window.Chart($(canvasId), {
    type: 'bar',
    data: { labels, datasets: [{ label: C.sla.count, data: counts, backgroundColor: '#1d4ed8' }] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

async function loadSla() {
  try {
    const sla = await call('GET', '/v1/admin/privacy-requests/sla');
    const figures = [
      [C.sla.open, sla.open],
      [C.sla.overdue, sla.overdue],
      [C.sla.dueWithin7Days, sla.dueWithin7Days],
      [C.sla.completedLast30Days, sla.completedLast30Days],
      [C.sla.medianDaysToComplete, sla.medianDaysToComplete ?? '–'],
    ];
    if (sla.incidents) {
      figures.push([C.sla.incidentsPastDeadline, sla.incidents.pastDeadline]);
    }
    $('sla-figures').replaceChildren(
      ...figures.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v))),
    );
    barChart('chart-type', 'chart-type-data', T.types, sla.byType ?? {});
    barChart('chart-status', 'chart-status-data', T.statuses, sla.byStatus ?? {});
  } catch (error) {
    if (token) {
      showError(error);
    }
  }
}

function table(headings, rows) {
  return el(
    'div',
    { class: 'table-wrap', tabindex: 0 },
    el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          headings.map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        rows.map((cells) =>
          el(
            'tr',
            {},
            cells.map((c) => el('td', {}, c)),
          ),
        ),
      ),
    ),
  );
}

async function loadIncidents() {
  try {
    const page = await call('GET', '/v1/admin/incidents?limit=20');
    $('incidents').replaceChildren(
      page.items.length === 0
        ? el('p', {}, C.noIncidents)
        : table(
            [L.colTitle, L.colDetected, L.colNotifyBy, L.colAuthorityNotified],
            page.items.map((i) => [
              i.title,
              dateTime(i.detectedAt),
              [
                dateTime(i.notifyAuthorityBy),
                i.overdue ? el('span', { class: 'badge overdue' }, C.overdue) : null,
              ],
              i.authorityNotifiedAt ? dateTime(i.authorityNotifiedAt) : C.notYet,
            ]),
          ),
    );
  } catch {
    $('incidents').replaceChildren(el('p', {}, C.incidentsUnavailable));
  }
}

const actorText = (actor) =>
  typeof actor === 'string' ? actor : actor ? [actor.type, actor.id].filter(Boolean).join(' ') : '';

/** Security alerts appear when the service offers them; otherwise the section says so. */
async function loadAlerts() {
  try {
    const page = await call('GET', '/v1/admin/security/alerts?limit=20');
    $('alerts').replaceChildren(
      page.items.length === 0
        ? el('p', {}, C.noAlerts)
        : table(
            [L.colKind, L.colSeverity, L.colAt, L.colActor],
            page.items.map((a) => [a.kind, a.severity, dateTime(a.at), actorText(a.actor)]),
          ),
    );
  } catch {
    $('alerts').replaceChildren(el('p', {}, C.alertsUnavailable));
  }
}

function start() {
  $('login-form').addEventListener('submit', (e) => void login(e));
  $('mfa-form').addEventListener('submit', (e) => void verifyMfa(e));
  $('passkey').addEventListener('click', () => void usePasskey());
  $('mfa-cancel').addEventListener('click', () => endSession());
  $('logout').addEventListener('click', () => void logout());
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    nextCursor = null;
    void loadRequests();
  });
  $('more').addEventListener('click', () => void loadRequests(true));
  $('action-form').addEventListener('submit', (e) => void act(e));
  $('close-detail').addEventListener('click', () => {
    $('detail-section').hidden = true;
    $('requests-heading').focus();
  });
}

start();
