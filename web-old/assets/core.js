// The console's core: session, API calls, formatting, a tiny DOM helper and the hash router.
// Views live in ./views/*.js and register their pages and navigation links with page() and navLink().
import { lang, setLang, t } from './i18n.js';

/* ---------- DOM ---------- */

/**
 * Creates an element. `props`: attributes (`class`, `for`, `aria-*`, `data-*`…), `on*` handlers, and
 * `value`/`checked`/`selected` as properties. Children are nodes or text (never parsed as HTML).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the content of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let fieldSeq = 0;
/** A labelled form field; `hint` is shown under it and linked for screen readers. */
export function field(label, input, hint) {
  const id = input.id || `f${++fieldSeq}`;
  input.id = id;
  const hintEl = hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  if (input.name) input.dataset.field = input.name;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, input.required ? ' *' : ''),
    input,
    hintEl,
  );
}

/** A <select> of `[value, label]` pairs. */
export function select(name, options, value, props = {}) {
  return h(
    'select',
    { name, ...props },
    options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, l)),
  );
}

/* ---------- formatting ---------- */

const TZ = 'Asia/Shanghai';
export const fmt = {
  /** Integer fen as yuan: ¥1,234.56. */
  fen(f) {
    if (f === null || f === undefined) return '—';
    const neg = f < 0;
    const abs = Math.abs(Math.trunc(f));
    const yuan = Math.floor(abs / 100).toLocaleString('en-US');
    return `${neg ? '-' : ''}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
  },
  date(iso) {
    if (!iso) return '—';
    if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
    return new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, dateStyle: 'short' }).format(new Date(iso));
  },
  dateTime(iso) {
    if (!iso) return '—';
    return new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, dateStyle: 'short', timeStyle: 'short' }).format(
      new Date(iso),
    );
  },
  bp: (bp) => (bp === null || bp === undefined ? '—' : `${(bp / 100).toFixed(2)}%`),
  status: (s) => t(`status.${s}`),
  track: (s) => t(`track.${s}`),
  queue: (s) => t(`queue.${s}`),
  role: (s) => t(`role.${s}`),
};

/** Yuan typed by a person ("1,234.5") to integer fen, or null when it is not an amount. */
export function yuanToFen(text) {
  const s = String(text ?? '')
    .replace(/[,\s¥]/g, '')
    .trim();
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  const [y, f = ''] = s.split('.');
  return Number(y) * 100 + Number(f.padEnd(2, '0'));
}

/* ---------- session and API ---------- */

const SESSION_KEY = 'session';
export const session = {
  get() {
    try {
      return JSON.parse(sessionStorage.getItem(SESSION_KEY));
    } catch {
      return null;
    }
  },
  set(token) {
    const claims = JSON.parse(
      decodeURIComponent(escape(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')))),
    );
    const s = {
      token,
      role: claims.role,
      subject: claims.sub,
      org: claims.org ?? null,
      creditCode: claims.creditCode ?? null,
      bankCode: claims.bankCode ?? null,
      supervisor: Boolean(claims.supervisor),
    };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    return s;
  },
  clear() {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? null;
    this.details = body?.error?.details ?? [];
  }
}

async function request(method, path, body, asBlob = false) {
  const headers = {};
  const s = session.get();
  if (s) headers.authorization = `Bearer ${s.token}`;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, { error: { code: 'NETWORK', message: t('error.network') } });
  }
  if (res.status === 401 && s) {
    session.clear();
    renderChrome();
  }
  if (!res.ok) {
    let err = null;
    try {
      err = await res.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, err);
  }
  if (asBlob) return res.blob();
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') ?? '';
  return type.includes('json') ? res.json() : res.text();
}

/** The JSON API: `api.get('/api/v1/...')`; errors are thrown as ApiError with the server's message. */
export const api = {
  get: (p) => request('GET', p),
  post: (p, b) => request('POST', p, b ?? {}),
  put: (p, b) => request('PUT', p, b),
  del: (p) => request('DELETE', p),
  blob: (p) => request('GET', p, undefined, true),
};

/** A visible, announced error message, listing the fields the server refused and why. */
export function errorBox(err) {
  const generic = { 401: 'error.401', 403: 'error.403', 404: 'error.404' }[err?.status];
  const message =
    err instanceof ApiError ? err.message || t(generic ?? 'error.title') : String(err?.message ?? err);
  return h(
    'div',
    { class: 'alert error', role: 'alert' },
    h('strong', {}, t('error.title'), err?.code ? ` (${err.code})` : '', '：'),
    ' ',
    message,
    err?.details?.length
      ? h(
          'ul',
          {},
          err.details.map((d) => h('li', {}, h('code', {}, d.path), ' — ', d.message)),
        )
      : null,
  );
}

/** A confirmation message, announced to screen readers. */
export const notice = (text) => h('div', { class: 'alert ok', role: 'status' }, text);

/**
 * Wires a form: on submit, disables it, runs `action(formData)`, and shows the error above the form (and
 * marks the refused fields) or calls `done(result)`.
 */
export function onSubmit(form, action, done) {
  const out = h('div', { class: 'form-result', 'aria-live': 'polite' });
  form.prepend(out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(out);
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    try {
      const result = await action(new FormData(form), e.submitter);
      await done?.(result);
    } catch (err) {
      fill(out, errorBox(err));
      for (const d of err?.details ?? []) {
        const name = String(d.path ?? '')
          .split('.')
          .slice(1)
          .join('.');
        const el = name && form.querySelector(`[data-field="${CSS.escape(name)}"]`);
        if (el) el.setAttribute('aria-invalid', 'true');
      }
      out.scrollIntoView?.({ block: 'nearest' });
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
  return form;
}

/* ---------- router ---------- */

const routes = [];
const navItems = [];

/**
 * Registers a page. `pattern` is a path like `/tasks/:id`; `roles` the roles that may open it ([] =
 * everyone, also signed out); `view(ctx)` returns the page's nodes (`ctx.params`, `ctx.query`, `ctx.session`).
 */
export function page(pattern, roles, view) {
  const names = [];
  const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, n) => (names.push(n), '([^/]+)'))}$`);
  routes.push({ re, names, roles, view });
}

/** Adds a navigation link for some roles ([] = shown to everyone; 'anon' = only when signed out). */
export function navLink(roles, hash, labelKey) {
  navItems.push({ roles, hash, labelKey });
}

/** The home page of each role. */
const HOME = {
  applicant: '#/my',
  reviewer: '#/queues',
  expert: '#/queues',
  approver: '#/queues',
  finance: '#/queues',
  bank: '#/bank',
  admin: '#/admin',
};

export const go = (hash) => {
  if (location.hash === hash) render();
  else location.hash = hash;
};

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs = ''] = raw.split('?');
  return { path, query: Object.fromEntries(new URLSearchParams(qs)) };
}

function renderChrome() {
  const s = session.get();
  document.title = t('app.title');
  document.querySelectorAll('[data-i18n]').forEach((el) => (el.textContent = t(el.dataset.i18n)));
  const nav = document.getElementById('nav');
  const current = `#${parseHash().path}`;
  fill(
    nav,
    h(
      'ul',
      {},
      navItems
        .filter((n) => (n.roles === 'anon' ? !s : n.roles.length === 0 || (s && n.roles.includes(s.role))))
        .map((n) =>
          h(
            'li',
            {},
            h(
              'a',
              { href: n.hash, 'aria-current': current === n.hash.split('?')[0] ? 'page' : null },
              t(n.labelKey),
            ),
          ),
        ),
    ),
  );
  fill(
    document.getElementById('who'),
    s
      ? `${fmt.role(s.role)} · ${s.subject}${s.org ? ` · ${s.org}` : ''}`
      : h('a', { href: '#/signin' }, t('nav.signin')),
  );
  const out = document.getElementById('signout');
  out.hidden = !s;
  out.textContent = t('nav.signout');
  document.getElementById('lang').textContent = t('nav.lang');
}

let renderSeq = 0;
export async function render() {
  const seq = ++renderSeq;
  renderChrome();
  const main = document.getElementById('main');
  const { path, query } = parseHash();
  const s = session.get();
  if (path === '/') {
    location.replace(s ? (HOME[s.role] ?? '#/notices') : '#/notices');
    return;
  }
  let match = null;
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      match = { r, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
      break;
    }
  }
  if (!match) {
    fill(main, h('h1', {}, t('error.notfound')));
    return;
  }
  if (match.r.roles.length && (!s || !match.r.roles.includes(s.role))) {
    if (!s) {
      location.replace(`#/signin?next=${encodeURIComponent(location.hash)}`);
      return;
    }
    fill(main, errorBox(new ApiError(403, null)));
    return;
  }
  fill(main, h('p', { class: 'loading', role: 'status' }, t('common.loading')));
  try {
    const nodes = await match.r.view({ params: match.params, query, session: s, main });
    if (seq !== renderSeq) return; // a newer page was asked for meanwhile
    fill(main, nodes);
  } catch (err) {
    if (seq !== renderSeq) return;
    fill(main, errorBox(err));
  }
  const heading = main.querySelector('h1');
  if (heading) document.title = `${heading.textContent} · ${t('app.title')}`;
  if (document.activeElement === document.body || !main.contains(document.activeElement)) main.focus();
}

/* ---------- sign-in ---------- */

const ROLE_CHOICES = ['applicant', 'reviewer', 'expert', 'approver', 'finance', 'bank', 'admin'];

page('/signin', [], async ({ query }) => {
  const { mode } = await api.get('/api/v1/auth/config');
  const next = query.next && query.next.startsWith('#/') ? query.next : null;
  const done = () => {
    const s = session.get();
    go(next ?? HOME[s.role] ?? '#/');
  };
  if (mode !== 'dev') {
    const form = h(
      'form',
      { class: 'card narrow' },
      h('p', {}, t('signin.tokenNote')),
      field(
        t('signin.token'),
        h('textarea', { name: 'token', required: true, rows: 4, autocomplete: 'off' }),
      ),
      h('button', { type: 'submit' }, t('signin.submit')),
    );
    onSubmit(
      form,
      async (fd) => {
        const token = String(fd.get('token')).trim();
        session.set(token);
        try {
          await api.get('/api/v1/auth/me');
        } catch (err) {
          session.clear();
          throw err;
        }
      },
      done,
    );
    return [h('h1', {}, t('signin.title')), form, h('p', { class: 'muted' }, t('signin.public'))];
  }
  const roleSel = select(
    'role',
    ROLE_CHOICES.map((r) => [r, fmt.role(r)]),
    'applicant',
    { required: true },
  );
  const form = h(
    'form',
    { class: 'card narrow', 'data-testid': 'dev-signin' },
    h('p', { class: 'muted' }, t('signin.devNote')),
    field(t('signin.role'), roleSel),
    field(
      t('signin.subject'),
      h('input', { name: 'subject', required: true, value: 'demo-user', autocomplete: 'username' }),
    ),
    field(
      t('signin.org'),
      h('input', { name: 'org', value: 'committee', list: 'orgs' }),
      'committee / street:中关村街道',
    ),
    h(
      'datalist',
      { id: 'orgs' },
      ['committee', 'street:中关村街道', 'street:学院路街道', 'street:海淀街道'].map((o) =>
        h('option', { value: o }),
      ),
    ),
    field(t('signin.creditCode'), h('input', { name: 'creditCode', autocomplete: 'off', maxlength: 18 })),
    field(t('signin.bankCode'), h('input', { name: 'bankCode', autocomplete: 'off' })),
    h(
      'div',
      { class: 'field check' },
      h('label', {}, h('input', { type: 'checkbox', name: 'supervisor' }), ' ', t('signin.supervisor')),
    ),
    h('button', { type: 'submit' }, t('signin.submit')),
  );
  onSubmit(
    form,
    async (fd) => {
      const role = String(fd.get('role'));
      const body = { role, subject: String(fd.get('subject')).trim() };
      const staff = ['reviewer', 'expert', 'approver', 'finance', 'admin'].includes(role);
      if (staff && fd.get('org')) body.org = String(fd.get('org')).trim();
      if (staff && fd.get('supervisor')) body.supervisor = true;
      if (role === 'applicant') body.creditCode = String(fd.get('creditCode')).trim().toUpperCase();
      if (role === 'bank') body.bankCode = String(fd.get('bankCode')).trim();
      const { token } = await api.post('/api/v1/auth/dev-token', body);
      session.set(token);
    },
    done,
  );
  return [h('h1', {}, t('signin.title')), form, h('p', { class: 'muted' }, t('signin.public'))];
});

/* ---------- start ---------- */

export async function start() {
  setLang(lang());
  document.getElementById('lang').addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    render();
  });
  document.getElementById('signout').addEventListener('click', () => {
    session.clear();
    go('#/notices');
  });
  window.addEventListener('hashchange', render);
  await render();
}
