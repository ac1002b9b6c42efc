// The privacy center: file a request, confirm it with the mailed code, follow it, download.
import {
  $,
  api,
  busy,
  clearNotices,
  dateTime,
  el,
  explain,
  fmt,
  longDay,
  reveal,
  showError,
  showMessage,
  T,
} from './page.js';

const P = T.privacy;
const STORED = 'privacy-center.requests';
const PENDING = 'privacy-center.pending';
const TERMINAL = ['completed', 'rejected'];
const REFRESH_MS = 60_000;

/** Requests filed from this browser: id, the status token that opens them, and the type. */
const stored = () => {
  try {
    return JSON.parse(localStorage.getItem(STORED) ?? '[]');
  } catch {
    return [];
  }
};
const store = (list) => localStorage.setItem(STORED, JSON.stringify(list));
const remember = (entry) => store([entry, ...stored().filter((r) => r.id !== entry.id)]);
const forget = (id) => store(stored().filter((r) => r.id !== id));

function renderFacts(status) {
  const facts = [
    [P.reference, status.id],
    [P.status, T.statuses[status.status] ?? status.status],
    [P.received, dateTime(status.receivedAt)],
    [P.dueBy, fmt(P.dueByValue, { date: longDay(status.localDueDate), zone: status.timeZone })],
  ];
  if (status.completedAt) {
    facts.push([P.completed, dateTime(status.completedAt)]);
  }
  if (status.rejectionReason) {
    facts.push([P.rejectionReason, status.rejectionReason]);
  }
  return el(
    'dl',
    { class: 'facts' },
    facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
  );
}

function renderCard(card, entry, status) {
  const body = [el('h3', {}, fmt(P.requestHeading, { type: T.types[entry.type] ?? entry.type }))];
  if (status) {
    body.push(el('p', {}, T.statusExplained[status.status] ?? ''));
    body.push(renderFacts(status));
    if (status.extended) {
      body.push(el('p', {}, P.extended));
    }
    if (status.download) {
      body.push(
        el(
          'p',
          {},
          el('a', { class: 'download', href: status.download.url, download: '' }, P.download),
        ),
        el(
          'p',
          { class: 'hint' },
          fmt(P.downloadExpires, { date: dateTime(status.download.expiresAt) }),
        ),
      );
    }
  }
  const refresh = el('button', { type: 'button', class: 'secondary' }, P.refresh);
  refresh.addEventListener('click', () => void load(card, entry, true));
  const drop = el('button', { type: 'button', class: 'secondary' }, P.forget);
  drop.addEventListener('click', () => {
    forget(entry.id);
    card.remove();
    $('no-requests').hidden = stored().length > 0;
  });
  body.push(el('div', { class: 'actions' }, refresh, drop));
  card.replaceChildren(...body);
  card.dataset.status = status?.status ?? '';
}

/** Looks the request up with its status token (sent as a header, never in the URL). */
async function load(card, entry, announce = false) {
  try {
    const status = await api('GET', `/v1/public/privacy-requests/${entry.id}`, {
      token: entry.token,
    });
    renderCard(card, entry, status);
    if (announce) {
      showMessage(P.refreshed);
    }
  } catch (error) {
    renderCard(card, entry, undefined);
    const { text } = explain(error);
    card.insertBefore(el('p', { class: 'alert' }, text), card.children[1] ?? null);
  }
}

function addCard(entry) {
  const card = el('article', { class: 'request-card', 'data-request-id': entry.id });
  $('requests').prepend(card);
  $('no-requests').hidden = true;
  void load(card, entry);
  return card;
}

function showCodeStep(pending, email) {
  $('request-step').hidden = true;
  $('code-sent').textContent = email ? fmt(P.codeSentTo, { email }) : '';
  $('code-form').reset();
  reveal($('code-step'), $('code-heading'));
}

function showRequestStep() {
  sessionStorage.removeItem(PENDING);
  $('code-step').hidden = true;
  $('request-step').hidden = false;
}

async function fileRequest(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const data = new FormData(form);
  const body = { type: data.get('type'), email: String(data.get('email')).trim() };
  if (data.get('jurisdiction')) {
    body.jurisdiction = data.get('jurisdiction');
  }
  clearNotices();
  try {
    const created = await busy(form, () => api('POST', '/v1/public/privacy-requests', { body }));
    if (created.statusToken) {
      remember({ id: created.id, token: created.statusToken, type: body.type });
      form.reset();
      addCard({ id: created.id, token: created.statusToken, type: body.type });
      showMessage(created.gpcOptOuts ? `${P.optOutQueued} ${P.gpcAlsoFiled}` : P.optOutQueued);
      $('status-heading').focus();
      return;
    }
    sessionStorage.setItem(PENDING, JSON.stringify({ id: created.id, type: body.type }));
    showCodeStep(created, body.email);
    if (created.gpcOptOuts) {
      showMessage(P.gpcAlsoFiled);
    }
  } catch (error) {
    showError(error, { 503: T.errors.mailUnavailable });
  }
}

async function confirmCode(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  if (!pending) {
    showRequestStep();
    return;
  }
  const code = String(new FormData(form).get('code')).trim();
  clearNotices();
  try {
    const verified = await busy(form, () =>
      api('POST', `/v1/public/privacy-requests/${pending.id}/verify`, { body: { code } }),
    );
    const entry = { id: verified.id, token: verified.statusToken, type: pending.type };
    remember(entry);
    showRequestStep();
    $('request-form').reset();
    addCard(entry);
    showMessage(P.verified);
    $('status-heading').focus();
  } catch (error) {
    showError(error, { 422: T.errors.wrongCode, 410: T.errors.codeExpired });
    $('code').focus();
  }
}

function start() {
  if (navigator.globalPrivacyControl === true) {
    $('gpc-detected').textContent = P.gpcDetected;
    $('gpc-detected').hidden = false;
  }
  $('request-form').addEventListener('submit', (e) => void fileRequest(e));
  $('code-form').addEventListener('submit', (e) => void confirmCode(e));
  $('start-over').addEventListener('click', () => {
    clearNotices();
    showRequestStep();
    $('request-heading').focus();
  });
  const entries = stored();
  $('no-requests').hidden = entries.length > 0;
  for (const entry of [...entries].reverse()) {
    addCard(entry);
  }
  if (sessionStorage.getItem(PENDING)) {
    showCodeStep(JSON.parse(sessionStorage.getItem(PENDING)));
  }
  // Open requests are looked up again now and then; public calls are rate-limited, so not often.
  setInterval(() => {
    if (document.visibilityState !== 'visible') {
      return;
    }
    for (const card of document.querySelectorAll('.request-card')) {
      const entry = stored().find((r) => r.id === card.dataset.requestId);
      if (entry && !TERMINAL.includes(card.dataset.status)) {
        void load(card, entry);
      }
    }
  }, REFRESH_MS);
}

start();
