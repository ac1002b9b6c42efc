// Helpers both pages share: their texts, building elements, calling the API, showing outcomes.

/** The page's texts, rendered by the server as JSON (never run as a script). */
export const T = JSON.parse(document.getElementById('page-texts').textContent);

/** Fills `{name}` placeholders of a text. */
export const fmt = (text, values = {}) =>
  text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));

/** An element with attributes and children; text children become text nodes (never markup). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === undefined || value === null) {
      continue;
    }
    if (name === 'class') {
      node.className = value;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

export const $ = (id) => document.getElementById(id);

const alertBox = () => $('alert');
const messageBox = () => $('message');

export function clearNotices() {
  alertBox().replaceChildren();
  messageBox().replaceChildren();
}

export function showMessage(text) {
  alertBox().replaceChildren();
  messageBox().replaceChildren(text);
}

export function showAlert(text, items = []) {
  messageBox().replaceChildren();
  const list =
    items.length > 0
      ? [
          el(
            'ul',
            {},
            items.map((i) => el('li', {}, i)),
          ),
        ]
      : [];
  alertBox().replaceChildren(el('p', {}, text), ...list);
}

/** Shows a section and moves focus to its heading, so keyboard and screen reader users follow. */
export function reveal(section, heading) {
  section.hidden = false;
  heading.focus();
}

/** An API answer that is not a success, with what the page needs to explain it. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** Calls the API with JSON; answers the parsed body or throws ApiError (status 0: no answer). */
export async function api(method, path, { body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0);
  }
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    throw new ApiError(res.status, parsed, Number(res.headers.get('Retry-After')) || undefined);
  }
  return parsed;
}

/** What went wrong, in the page's words, for the common answers of the API. */
export function explain(error, overrides = {}) {
  const e = T.errors;
  if (!(error instanceof ApiError)) {
    return { text: e.generic };
  }
  if (overrides[error.status]) {
    return { text: overrides[error.status] };
  }
  switch (error.status) {
    case 0:
      return { text: e.network };
    case 400:
      return {
        text: e.invalid,
        items: (error.problem?.errors ?? []).map((f) => `${f.field}: ${f.message}`),
      };
    case 403:
      return { text: e.forbidden };
    case 404:
      return { text: e.notFound };
    case 409:
      return { text: e.conflict, items: error.problem?.detail ? [error.problem.detail] : [] };
    case 429:
      return error.retryAfter
        ? { text: fmt(e.tooManyIn, { minutes: Math.ceil(error.retryAfter / 60) }) }
        : { text: e.tooMany };
    default:
      return { text: e.generic };
  }
}

export function showError(error, overrides) {
  const { text, items } = explain(error, overrides);
  showAlert(text, items);
}

/** A date and time in the reader's own zone and the page's language. */
export const dateTime = (iso) =>
  iso
    ? new Intl.DateTimeFormat(document.documentElement.lang, {
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(new Date(iso))
    : '';

/** A calendar day (`YYYY-MM-DD`) written out in the page's language. */
export const longDay = (day) =>
  new Intl.DateTimeFormat(document.documentElement.lang, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${day}T12:00:00Z`));

/** Disables a form's buttons while its request runs. */
export async function busy(form, work) {
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((b) => (b.disabled = true));
  try {
    return await work();
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}
