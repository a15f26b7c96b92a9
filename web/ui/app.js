// Bellwether trader dashboard: sign in with a user name and password (a session
// cookie plus a CSRF token for writes) or an API token, watch live prices,
// manage price alerts and see notifications as they fire.
//
// Plain browser JavaScript, no framework and no build step. Talks to the REST API
// on this origin and to the event stream (EventSource) on the stream port of the
// same host. Every string that comes from the server reaches the DOM through
// textContent (see el()); nothing here assigns innerHTML.
'use strict';

(() => {
  const TOKEN_KEY = 'bellwether.token';
  const NOTIFICATION_LIMIT = 50;     // initial load and the most the list keeps
  const TOAST_LIFETIME_MS = 8000;
  const MAX_TOASTS = 4;              // older toasts make room for newer ones
  const RECONNECT_MIN_MS = 2000;     // only used when the browser gives up (CLOSED)
  const RECONNECT_MAX_MS = 30000;

  const ALERT_PAGE_LIMIT = 500;      // alerts per request; the list follows next_cursor

  // Condition types, their inputs and the form editor live in conditions.js
  // (a new condition type is one entry of its table).
  const conditions = window.bellwetherConditions;
  let conditionEditor = null;   // the alert form's condition (made in start())

  // The alert's own words (docs/API.md, "Message templates"): JSON field -> input id.
  const TEMPLATE_FIELDS = {
    message_template: 'alert-message-template',
    email_subject_template: 'alert-email-subject-template',
    email_body_template: 'alert-email-body-template',
  };

  // ---------------------------------------------------------------------------
  // Small helpers

  const $ = (id) => document.getElementById(id);

  // el('li', {className: 'x', dataset: {id: 1}}, 'text', child) — children that
  // are strings become text nodes, so server data is never parsed as HTML.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'className' || key === 'textContent' || key === 'type' ||
               key === 'title' || key === 'dateTime') node[key] = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const priceFormat = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: 2, maximumFractionDigits: 4, useGrouping: true,
  });
  const timeFormat = new Intl.DateTimeFormat(undefined, {
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  });
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
    month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  });

  function formatPrice(value) {
    const n = Number(value);
    return Number.isFinite(n) ? priceFormat.format(n) : '—';
  }

  function parseTime(text) {
    const d = text ? new Date(text) : null;
    return d && !Number.isNaN(d.getTime()) ? d : null;
  }

  function formatTime(text) {
    const d = parseTime(text);
    return d ? timeFormat.format(d) : '—';
  }

  function formatDateTime(text) {
    const d = parseTime(text);
    if (!d) return '—';
    const today = new Date();
    return d.toDateString() === today.toDateString() ? timeFormat.format(d) : dateTimeFormat.format(d);
  }

  const describeCondition = (condition) => conditions.describe(condition);

  function describeTrigger(trigger) {
    if (!trigger || !trigger.mode) return '';
    let text = trigger.mode === 'once' ? 'Once' : trigger.mode === 'once_per' ? `Once per ${trigger.interval}` : 'Every time';
    if (trigger.mode === 'every_time' && trigger.cooldown && trigger.cooldown !== '0s') text += `, cooldown ${trigger.cooldown}`;
    if (trigger.rearm) {
      text += trigger.rearm.percent !== undefined ? `, re-arm ${trigger.rearm.percent}%` : `, re-arm ${formatPrice(trigger.rearm.amount)}`;
    }
    return text;
  }

  // ---------------------------------------------------------------------------
  // API client

  class ApiError extends Error {
    constructor(status, title, detail) {
      super(detail || title || `Request failed (HTTP ${status})`);
      this.status = status;
      this.title = title;
      this.detail = detail;
    }
  }

  // Returns the parsed JSON body (null for 204). Throws ApiError with the
  // problem+json detail for HTTP errors, and ApiError(0) when the server is unreachable.
  async function api(method, path, { token, body } = {}) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    // Cookie-authenticated writes must echo the session's CSRF token.
    else if (state.csrf && method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (err) {
      throw new ApiError(0, 'Network error', 'The server cannot be reached. Check your connection and try again.');
    }
    if (response.status === 204) return null;
    const type = response.headers.get('Content-Type') || '';
    let payload = null;
    if (type.includes('json')) {
      try { payload = await response.json(); } catch { payload = null; }
    }
    if (!response.ok) {
      const title = payload && typeof payload.title === 'string' ? payload.title : response.statusText;
      const detail = payload && typeof payload.detail === 'string' ? payload.detail : '';
      throw new ApiError(response.status, title, detail);
    }
    return payload;
  }

  // ---------------------------------------------------------------------------
  // State

  const state = {
    token: null,                // API token sign-in (Authorization: Bearer)
    csrf: null,                 // password sign-in: the session's CSRF token (the cookie is HttpOnly)
    pendingPassword: null,      // password the signed-in user must replace before anything else
    user: null,
    streamPort: null,
    stream: null,               // EventSource
    streamGeneration: 0,        // bumps on sign-out so stale callbacks do nothing
    reconnectTimer: null,
    reconnectDelay: RECONNECT_MIN_MS,
    everConnected: false,
    quotes: new Map(),          // symbol -> {price, ts, row}
    alerts: [],
    notifications: [],          // newest first
    notificationIds: new Set(),
    lastNotificationId: 0,
    notificationsLoaded: false, // the initial list arrived, so lastNotificationId is meaningful
    alertsRefresh: null,        // pending promise, so bursts of notifications refresh once
    alertsRefreshAgain: false,
    editing: null,              // id of the alert the form edits (null: creating)
    editingTemplates: {},       // its templates as loaded, so a PATCH sends only changed ones
    channels: [],               // the user's channels, for the alert form
    page: 'markets',
    audio: null,                // AudioContext once the user turned sound on
  };

  // ---------------------------------------------------------------------------
  // Sign-in and sign-out

  const signedIn = () => Boolean(state.token || state.csrf);

  function showView(view) {
    $('signin-view').hidden = view !== 'signin';
    $('password-view').hidden = view !== 'password';
    $('dashboard-view').hidden = view !== 'dashboard';
    $('session').hidden = view === 'signin';
    if (view !== 'dashboard') $('connection-banner').hidden = true;
  }

  function showSignIn(message, { tokenForm = false } = {}) {
    showView('signin');
    const error = $(tokenForm ? 'signin-error' : 'password-signin-error');
    $(tokenForm ? 'password-signin-error' : 'signin-error').hidden = true;
    error.textContent = message || '';
    error.hidden = !message;
    $('token-input').setAttribute('aria-invalid', tokenForm && message ? 'true' : 'false');
    $('password-input').setAttribute('aria-invalid', !tokenForm && message ? 'true' : 'false');
    $(tokenForm ? 'token-input' : 'username-input').focus();
  }

  // Password sign-in: POST /api/v1/session sets the HttpOnly cookie; the
  // response carries the CSRF token for writes.
  async function signInWithPassword(username, password) {
    let session;
    try {
      session = await api('POST', '/api/v1/session', { body: { username, password } });
    } catch (err) {
      showSignIn(err.status === 401 ? 'Wrong user name or password.' : (err.detail || err.message));
      return false;
    }
    $('password-input').value = '';
    return enterSession(session, password);
  }

  // A session from sign-in or from GET /api/v1/session (page reload).
  async function enterSession(session, password) {
    state.csrf = session.csrf_token;
    if (session.user.must_change_password) {
      state.user = session.user;
      state.pendingPassword = password || null;
      showUser(session.user);
      showPasswordChange();
      return true;
    }
    return enterDashboard(session.user);
  }

  function showUser(user) {
    $('user-name').textContent = user && user.name ? user.name : '';
    $('user-name').classList.toggle('is-admin', Boolean(user && user.admin));
    $('user-name').title = user && user.admin ? 'Administrator' : '';
  }

  function showPasswordChange(message) {
    showView('password');
    $('current-password-field').hidden = Boolean(state.pendingPassword);
    const error = $('password-error');
    error.textContent = message || '';
    error.hidden = !message;
    $(state.pendingPassword ? 'new-password' : 'current-password').focus();
  }

  async function submitPasswordChange(event) {
    event.preventDefault();
    const current = state.pendingPassword || $('current-password').value;
    const next = $('new-password').value;
    if (next !== $('confirm-password').value) {
      showPasswordChange('The two new passwords differ.');
      return;
    }
    try {
      await api('POST', '/api/v1/me/password', {
        token: state.token, body: { current_password: current, new_password: next },
      });
    } catch (err) {
      if (handleAuthFailure(err)) return;
      showPasswordChange(err.detail || err.message);
      return;
    }
    state.pendingPassword = null;
    for (const id of ['current-password', 'new-password', 'confirm-password']) $(id).value = '';
    await enterDashboard({ ...state.user, must_change_password: false });
  }

  async function enterDashboard(user) {
    const csrf = state.csrf;
    state.user = user;
    showUser(user);
    showView('dashboard');
    document.querySelector('#page-nav [data-page="admin"]').hidden = !(user && user.admin);
    showPage(location.hash.replace(/^#/, '') || 'markets');
    await Promise.all([loadAlerts(), loadNotifications(), loadQuotes()]);
    if (state.csrf !== csrf || !signedIn()) return false;   // signed out meanwhile
    connectStream();
    announceSession(user);
    $('alert-symbol').focus();
    return true;
  }

  async function signIn(token, { fromStorage = false } = {}) {
    let user;
    try {
      user = await api('GET', '/api/v1/me', { token });
    } catch (err) {
      if (err.status === 401 || err.status === 403) {
        if (fromStorage) localStorage.removeItem(TOKEN_KEY);
        showSignIn(fromStorage ? 'Your saved token is no longer valid. Please sign in again.'
                               : 'That token was not accepted. Check it and try again.', { tokenForm: true });
      } else {
        showSignIn(err.message, { tokenForm: true });
      }
      return false;
    }
    state.token = token;
    state.user = user;
    localStorage.setItem(TOKEN_KEY, token);
    $('token-input').value = '';
    $('signin-error').hidden = true;
    if (user && user.must_change_password) {
      showUser(user);
      showPasswordChange();
      return true;
    }
    const ok = await enterDashboard(user);
    return ok && state.token === token;   // false when signed out meanwhile (a 401 while loading)
  }

  // Ends the server session too when there is one (the button); a 401 needs no call.
  async function signOutFromServer() {
    if (state.csrf) {
      try { await api('DELETE', '/api/v1/session'); } catch { /* already gone: sign out locally anyway */ }
    }
    signOut();
  }

  // account.js (tokens, password, admin users) follows the signed-in user
  // through these events; it calls the API through the same api() (CSRF and all).
  function announceSession(user) {
    window.bellwetherSession = user ? { user, api: (method, path, options = {}) => api(method, path, { ...options, token: state.token }) } : null;
    window.dispatchEvent(new CustomEvent(user ? 'bellwether:signed-in' : 'bellwether:signed-out'));
  }

  function signOut(message) {
    announceSession(null);
    state.streamGeneration += 1;
    closeStream();
    localStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.csrf = null;
    state.pendingPassword = null;
    state.user = null;
    state.alerts = [];
    state.notifications = [];
    state.notificationIds.clear();
    state.lastNotificationId = 0;
    state.notificationsLoaded = false;
    state.quotes.clear();
    state.everConnected = false;
    $('prices-body').replaceChildren();
    $('alert-list').replaceChildren();
    $('notification-list').replaceChildren();
    $('toasts').replaceChildren();
    $('user-name').textContent = '';
    resetAlertForm();
    renderChannelOptions([]);
    showPage('markets');
    document.querySelector('#page-nav [data-page="admin"]').hidden = true;
    renderPricesMeta();
    renderAlerts();
    renderNotifications();
    setStreamState('connecting');
    showSignIn(message);
  }

  // Any 401 after sign-in means the token was revoked: go back to the sign-in step.
  function handleAuthFailure(err) {
    if (err && err.status === 401) {
      signOut('Your session has ended. Please sign in again.');
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------------------
  // Live prices

  function renderPricesMeta() {
    $('prices-count').textContent = String(state.quotes.size);
    $('prices-empty').hidden = state.quotes.size > 0;
  }

  function createPriceRow(symbol) {
    // The symbol is a button: it opens the symbol's chart.
    const chart = el('button', { type: 'button', className: 'link-button symbol', 'aria-label': `Chart ${symbol}`, dataset: { testid: 'price-symbol' } }, symbol);
    chart.addEventListener('click', () => {
      showPage('markets');
      window.dispatchEvent(new CustomEvent('bellwether:chart', { detail: { symbol } }));
    });
    const row = el('tr', { dataset: { testid: 'price-row', symbol } },
      el('th', { scope: 'row' }, chart),
      el('td', { className: 'num price' },
        el('span', { className: 'tick', 'aria-hidden': 'true' }),
        el('span', { className: 'price-value', dataset: { testid: 'price-value' } })),
      el('td', { className: 'num change', dataset: { testid: 'price-change' } }),
      el('td', { className: 'num change-pct', dataset: { testid: 'price-change-pct' } }),
      el('td', { className: 'num time col-time', dataset: { testid: 'price-time' } }));
    // Keep rows sorted by symbol so the table does not jump around.
    const rows = $('prices-body').children;
    let before = null;
    for (const existing of rows) {
      if (existing.dataset.symbol > symbol) { before = existing; break; }
    }
    $('prices-body').insertBefore(row, before);
    return row;
  }

  const changeFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4, signDisplay: 'exceptZero' });
  const percentFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });

  // Change on the day against the previous close; blank while the feed has not
  // said what it was (prev_close absent or zero).
  function renderChange(entry) {
    const change = entry.row.querySelector('.change');
    const pct = entry.row.querySelector('.change-pct');
    const known = Number.isFinite(entry.prevClose) && entry.prevClose > 0;
    const diff = known ? entry.price - entry.prevClose : 0;
    change.textContent = known ? changeFormat.format(diff) : '';
    pct.textContent = known ? `${percentFormat.format((diff / entry.prevClose) * 100)}%` : '';
    const direction = !known || diff === 0 ? 'flat' : diff > 0 ? 'up' : 'down';
    change.dataset.direction = direction;
    pct.dataset.direction = direction;
  }

  function onQuote(quote) {
    if (!quote || typeof quote.symbol !== 'string') return;
    const price = Number(quote.price);
    if (!Number.isFinite(price)) return;
    let entry = state.quotes.get(quote.symbol);
    if (!entry) {
      entry = { price: null, ts: null, prevClose: null, row: createPriceRow(quote.symbol) };
      state.quotes.set(quote.symbol, entry);
      renderPricesMeta();
    }
    const previous = entry.price;
    entry.price = price;
    entry.ts = quote.ts;
    const prevClose = Number(quote.prev_close);
    if (Number.isFinite(prevClose) && prevClose > 0) entry.prevClose = prevClose;
    const priceCell = entry.row.querySelector('.price');
    const timeCell = entry.row.querySelector('.time');
    priceCell.querySelector('.price-value').textContent = formatPrice(price);
    timeCell.textContent = formatTime(quote.ts);
    if (quote.ts) timeCell.title = String(quote.ts);
    renderChange(entry);
    if (previous !== null && price !== previous) {
      const direction = price > previous ? 'up' : 'down';
      entry.row.dataset.direction = direction;
      priceCell.querySelector('.tick').textContent = direction === 'up' ? '▲' : '▼';
      // Restart the flash animation even when the direction repeats.
      entry.row.classList.remove('flash-up', 'flash-down');
      void entry.row.offsetWidth;
      entry.row.classList.add(direction === 'up' ? 'flash-up' : 'flash-down');
    }
  }

  // ---------------------------------------------------------------------------
  // Alerts

  // Every page of the list (GET /api/v1/alerts follows cursors).
  async function fetchAllAlerts() {
    const items = [];
    let cursor = null;
    do {
      const query = `limit=${ALERT_PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const data = await api('GET', `/api/v1/alerts?${query}`, { token: state.token });
      if (Array.isArray(data && data.items)) items.push(...data.items);
      cursor = data && data.next_cursor ? data.next_cursor : null;
    } while (cursor);
    return items;
  }

  async function loadAlerts() {
    try {
      state.alerts = await fetchAllAlerts();
      $('alerts-error').hidden = true;
    } catch (err) {
      if (handleAuthFailure(err)) return;
      showListError(`Could not load alerts: ${err.message}`);
    }
    renderAlerts();
  }

  // Coalesces refreshes: a burst of notifications causes at most one more fetch.
  function refreshAlertsSoon() {
    if (state.alertsRefresh) { state.alertsRefreshAgain = true; return; }
    state.alertsRefresh = loadAlerts().finally(() => {
      state.alertsRefresh = null;
      if (state.alertsRefreshAgain) { state.alertsRefreshAgain = false; refreshAlertsSoon(); }
    });
  }

  function showListError(message) {
    const error = $('alerts-error');
    error.textContent = message;
    error.hidden = !message;
  }

  function renderAlerts() {
    const list = $('alert-list');
    const sorted = [...state.alerts].sort((a, b) => Number(b.id) - Number(a.id));
    list.replaceChildren(...sorted.map(renderAlert));
    $('alerts-count').textContent = String(sorted.length);
    $('alerts-empty').hidden = sorted.length > 0;
    // The chart draws thresholds and the history page filters by alert.
    window.dispatchEvent(new CustomEvent('bellwether:alerts', { detail: { alerts: sorted } }));
  }

  function replaceAlert(updated) {
    if (!updated || updated.id === undefined) return;
    state.alerts = state.alerts.filter((a) => a.id !== updated.id).concat(updated);
    renderAlerts();
  }

  function alertButton(text, testid, aria, className, handler) {
    const button = el('button', { type: 'button', className, dataset: { testid }, 'aria-label': aria }, text);
    button.addEventListener('click', () => handler(button));
    return button;
  }

  function renderAlert(alert) {
    const stateName = String(alert.state || 'unknown');
    const condition = describeCondition(alert.condition);
    const title = el('div', { className: 'alert-title' },
      el('span', { className: 'symbol', dataset: { testid: 'alert-symbol' } }, String(alert.symbol || '')),
      el('span', { className: 'alert-condition', dataset: { testid: 'alert-condition' } }, condition));
    const meta = el('div', { className: 'alert-meta muted' });
    if (alert.name) meta.append(el('span', { className: 'alert-name', dataset: { testid: 'alert-name' } }, String(alert.name)));
    if (alert.trigger && alert.trigger.mode) meta.append(el('span', { dataset: { testid: 'alert-trigger' } }, describeTrigger(alert.trigger)));
    if (alert.expires_at) meta.append(el('span', { dataset: { testid: 'alert-expires' } }, `Expires ${formatDateTime(alert.expires_at)}`));
    if (Array.isArray(alert.sessions) && alert.sessions.length) {
      const names = { pre: 'pre-market', regular: 'regular hours', post: 'after hours' };
      meta.append(el('span', { dataset: { testid: 'alert-sessions-text' } }, `Only ${alert.sessions.map((n) => names[n] || String(n)).join(', ')}`));
    }
    if (alert.last_fired_at) {
      meta.append(el('span', { dataset: { testid: 'alert-fired' } }, `Fired ${formatDateTime(alert.last_fired_at)}`));
    }
    const badge = el('span', { className: 'badge', dataset: { state: stateName, testid: 'alert-state' } }, stateName);
    const label = `${alert.symbol} ${condition}${alert.name ? ` (${alert.name})` : ''}`;
    const actions = el('div', { className: 'alert-actions' });
    if (stateName !== 'expired' && conditions.editable(alert.condition)) {
      actions.append(alertButton('Edit', 'alert-edit', `Edit alert ${label}`, 'btn btn-ghost btn-small', () => startEdit(alert)));
    }
    if (stateName === 'armed') {
      actions.append(alertButton('Pause', 'alert-pause', `Pause alert ${label}`, 'btn btn-ghost btn-small', (b) => alertAction(alert, 'pause', b)));
    } else if (stateName === 'paused' || stateName === 'triggered') {
      actions.append(alertButton(stateName === 'paused' ? 'Resume' : 'Re-arm', 'alert-resume',
        `${stateName === 'paused' ? 'Resume' : 'Re-arm'} alert ${label}`, 'btn btn-ghost btn-small', (b) => alertAction(alert, 'resume', b)));
    }
    actions.append(alertButton('Delete', 'alert-delete', `Delete alert ${label}`, 'btn btn-danger btn-small', (b) => deleteAlert(alert, b)));
    return el('li', { className: 'alert-item', dataset: { testid: 'alert-row', alertId: alert.id, state: stateName } },
      el('div', { className: 'alert-main' }, title, meta), badge, actions);
  }

  // POST /api/v1/alerts/{id}/pause or /resume; the answer is the alert as stored.
  async function alertAction(alert, verb, button) {
    button.disabled = true;
    try {
      replaceAlert(await api('POST', `/api/v1/alerts/${encodeURIComponent(alert.id)}/${verb}`, { token: state.token }));
      showListError('');
    } catch (err) {
      if (handleAuthFailure(err)) return;
      button.disabled = false;
      showListError(`Could not ${verb} the alert: ${err.detail || err.message}`);
      if (err.status === 404) await loadAlerts();
    }
  }

  async function deleteAlert(alert, button) {
    button.disabled = true;
    button.textContent = 'Deleting…';
    try {
      await api('DELETE', `/api/v1/alerts/${encodeURIComponent(alert.id)}`, { token: state.token });
    } catch (err) {
      if (handleAuthFailure(err)) return;
      // Already gone (deleted elsewhere): treat it as success.
      if (err.status !== 404) {
        button.disabled = false;
        button.textContent = 'Delete';
        showListError(`Could not delete the alert: ${err.message}`);
        return;
      }
    }
    showListError('');
    if (state.editing === alert.id) resetAlertForm();
    state.alerts = state.alerts.filter((a) => a.id !== alert.id);
    renderAlerts();
    $('alert-symbol').focus();
  }

  // ---------------------------------------------------------------------------
  // Alert form: create, or edit an existing alert (PATCH). Validation is the
  // server's: its problem detail is shown inline and marks the field it names.

  // The last segment of the server's field path -> the input it is about.
  // Paths under `condition` are the condition editor's (conditions.js).
  const FORM_FIELDS = {
    symbol: 'alert-symbol', name: 'alert-name',
    trigger: 'alert-mode', mode: 'alert-mode', interval: 'alert-interval', cooldown: 'alert-cooldown',
    rearm: 'alert-rearm', amount: 'alert-rearm', percent: 'alert-rearm', expires_at: 'alert-expires',
    channels: 'alert-channel-options', sessions: 'alert-sessions', ...TEMPLATE_FIELDS,
  };

  function setFormError(message) {
    const error = $('alert-form-error');
    error.textContent = message || '';
    error.hidden = !message;
    // The server's detail starts with the field it is about ("condition.price:
    // must be greater than zero"): mark that input invalid so it is outlined and
    // announced. The last path segment picks the input.
    const path = /^\s*([A-Za-z_][\w.\[\]]*)\s*:/.exec(message || '');
    conditionEditor.clearErrors();
    const inCondition = Boolean(message && path && /^condition\b/.test(path[1]) &&
                                conditionEditor.markError(path[1], message));
    const field = path && !inCondition ? path[1].replace(/\[\d+\]/g, '').split('.').pop() : null;
    for (const id of new Set(Object.values(FORM_FIELDS))) {
      const input = $(id);
      const invalid = Boolean(message) && field !== null && FORM_FIELDS[field] === id;
      input.setAttribute('aria-invalid', invalid ? 'true' : 'false');
      // A field with its own error line (the templates) shows the message there too.
      const inline = $(`${id}-error`);
      if (inline) {
        inline.textContent = invalid ? message : '';
        inline.hidden = !invalid;
      }
      const described = [input.dataset.help, invalid ? (inline ? inline.id : 'alert-form-error') : null].filter(Boolean);
      if (described.length) input.setAttribute('aria-describedby', described.join(' '));
      else input.removeAttribute('aria-describedby');
    }
    if (field && TEMPLATE_FIELDS[field]) $('alert-templates').open = true;   // so the field can take focus
  }

  // Shows the inputs the chosen condition and trigger mode use.
  function syncFormFields() {
    const info = conditionEditor.info;
    const mode = $('alert-mode').value;
    $('alert-interval-field').hidden = mode !== 'once_per';
    $('alert-cooldown-field').hidden = mode !== 'every_time';
    $('alert-rearm-field').hidden = mode === 'once' || !(info && info.rearm);
  }

  function renderChannelOptions(channels) {
    state.channels = Array.isArray(channels) ? channels : [];
    const box = $('alert-channel-options');
    const checked = new Set([...box.querySelectorAll('input:checked')].map((i) => Number(i.value)));
    box.replaceChildren(...state.channels.map((channel) => {
      const id = `alert-channel-${channel.id}`;
      const input = el('input', { id, type: 'checkbox', value: channel.id, dataset: { testid: 'alert-channel' } });
      input.checked = checked.has(Number(channel.id));
      return el('label', { className: 'checkbox', for: id }, input, ` ${channel.type === 'email' ? 'Email' : 'Webhook'} ${channel.url || channel.address || ''}`);
    }));
    $('alert-channels-field').hidden = state.channels.length === 0;
  }

  function resetAlertForm() {
    state.editing = null;
    state.editingTemplates = {};
    $('alert-form').reset();
    conditionEditor.reset();
    syncFormFields();
    setFormError('');
    $('alert-form-status').textContent = '';
    $('new-alert-title').textContent = 'New alert';
    $('alert-submit').textContent = 'Create alert';
    $('alert-cancel').hidden = true;
    for (const input of $('alert-channel-options').querySelectorAll('input')) input.disabled = false;
  }

  // datetime-local wants local "YYYY-MM-DDTHH:MM".
  function toLocalInput(text) {
    const d = parseTime(text);
    if (!d) return '';
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function startEdit(alert) {
    resetAlertForm();
    state.editing = alert.id;
    const condition = alert.condition || {};
    $('alert-symbol').value = String(alert.symbol || '');
    conditionEditor.load(condition);
    for (const [key, id] of Object.entries(TEMPLATE_FIELDS)) {
      state.editingTemplates[key] = alert[key] ?? null;
      $(id).value = alert[key] ?? '';
    }
    $('alert-templates').open = Object.values(state.editingTemplates).some((t) => t !== null);
    const trigger = alert.trigger || { mode: 'once' };
    $('alert-mode').value = trigger.mode;
    $('alert-interval').value = trigger.interval || '';
    $('alert-cooldown').value = trigger.cooldown && trigger.cooldown !== '0s' ? trigger.cooldown : '';
    if (trigger.rearm) {
      const unit = trigger.rearm.percent !== undefined ? 'percent' : 'amount';
      $('alert-rearm-unit').value = unit;
      $('alert-rearm').value = trigger.rearm[unit];
    }
    $('alert-expires').value = toLocalInput(alert.expires_at);
    $('alert-name').value = String(alert.name || '');
    const sessions = new Set(Array.isArray(alert.sessions) ? alert.sessions : []);
    for (const input of $('alert-sessions').querySelectorAll('input')) input.checked = sessions.has(input.value);
    // PATCH does not change an alert's channels: show them, read-only.
    const linked = new Set((alert.channels || []).map(Number));
    for (const input of $('alert-channel-options').querySelectorAll('input')) {
      input.checked = linked.has(Number(input.value));
      input.disabled = true;
    }
    syncFormFields();
    $('new-alert-title').textContent = `Edit alert ${alert.symbol}`;
    $('alert-submit').textContent = 'Save changes';
    $('alert-cancel').hidden = false;
    showPage('markets');
    $('alert-form').scrollIntoView({ block: 'nearest' });
    const first = $('alert-condition-inputs').querySelector('input, select');
    (first || $('alert-condition')).focus();
  }

  function numberOrNull(id) {
    const text = $(id).value.trim();
    if (text === '') return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : text;   // the server names a bad number
  }

  function readAlertForm() {
    const symbol = $('alert-symbol').value.trim().toUpperCase();
    const condition = conditionEditor.read();
    const info = conditionEditor.info;
    const mode = $('alert-mode').value;
    const trigger = { mode };
    if (mode === 'once_per') trigger.interval = $('alert-interval').value.trim();
    if (mode === 'every_time' && $('alert-cooldown').value.trim()) trigger.cooldown = $('alert-cooldown').value.trim();
    const rearm = numberOrNull('alert-rearm');
    if (mode !== 'once' && info && info.rearm && rearm !== null) trigger.rearm = { [$('alert-rearm-unit').value]: rearm };
    const body = { symbol, condition, trigger };
    const expires = $('alert-expires').value;
    const expiresAt = expires ? new Date(expires) : null;
    if (state.editing) body.expires_at = expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt.toISOString() : null;
    else if (expiresAt && !Number.isNaN(expiresAt.getTime())) body.expires_at = expiresAt.toISOString();
    // Sessions: none ticked is no filter (null clears it on an edit).
    const sessions = [...$('alert-sessions').querySelectorAll('input:checked')].map((i) => i.value);
    if (sessions.length) body.sessions = sessions;
    else if (state.editing) body.sessions = null;
    const name = $('alert-name').value.trim();
    if (name || state.editing) body.name = name;
    // Templates: an empty box is the default text (null); an edit sends only
    // the ones that changed, so an unchanged alert needs no template support.
    for (const [key, id] of Object.entries(TEMPLATE_FIELDS)) {
      const text = $(id).value === '' ? null : $(id).value;
      if (state.editing ? text !== (state.editingTemplates[key] ?? null) : text !== null) body[key] = text;
    }
    if (!state.editing) {
      const channels = [...$('alert-channel-options').querySelectorAll('input:checked')].map((i) => Number(i.value));
      if (channels.length) body.channels = channels;
    }
    return body;
  }

  // Creates an alert from a body (the form, or the chart's "alert at this price").
  async function createAlert(body) {
    const created = await api('POST', '/api/v1/alerts', { token: state.token, body });
    if (created && created.id !== undefined) replaceAlert(created);
    else await loadAlerts();
    return created;
  }

  async function submitAlert(event) {
    event.preventDefault();
    const button = $('alert-submit');
    if (button.disabled) return;
    const body = readAlertForm();
    const editing = state.editing;
    button.disabled = true;
    $('alert-form-status').textContent = '';
    try {
      if (editing) {
        replaceAlert(await api('PATCH', `/api/v1/alerts/${encodeURIComponent(editing)}`, { token: state.token, body }));
      } else {
        await createAlert(body);
      }
      const condition = conditionEditor.type;
      resetAlertForm();
      if (!editing && !conditions.info(condition).compound) conditionEditor.setType(condition);
      syncFormFields();
      $('alert-form-status').textContent = editing ? `Alert ${body.symbol} saved.` : `Alert created for ${body.symbol}.`;
      $('alert-symbol').focus();
    } catch (err) {
      if (handleAuthFailure(err)) return;
      setFormError(err.detail || err.message);
      const invalid = document.querySelector('#alert-form [aria-invalid="true"]');
      if (invalid) invalid.focus();
    } finally {
      button.disabled = false;
    }
  }

  // "Alert at this price" from the chart: fills the form (keyboard users get
  // the same form) — the chart's own button creates it directly.
  function prefillAlert(symbol, price) {
    if (state.editing) resetAlertForm();
    $('alert-symbol').value = symbol;
    const last = state.quotes.get(symbol);
    conditionEditor.setType(last && last.price > price ? 'crossing_down' : 'crossing_up');
    conditionEditor.setValue('price', price);
    syncFormFields();
  }

  // ---------------------------------------------------------------------------
  // Pages

  const PAGES = ['markets', 'history', 'channels', 'account', 'admin'];

  function showPage(name) {
    if (!PAGES.includes(name) || (name === 'admin' && !(state.user && state.user.admin))) name = 'markets';
    state.page = name;
    for (const page of document.querySelectorAll('#dashboard-view > .page')) page.hidden = page.dataset.page !== name;
    for (const tab of document.querySelectorAll('#page-nav .page-tab')) {
      if (tab.dataset.page === name) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    window.dispatchEvent(new CustomEvent('bellwether:page', { detail: { page: name } }));
  }

  // ---------------------------------------------------------------------------
  // Notifications

  // The latest price of every symbol, so the table is full before the first tick.
  async function loadQuotes() {
    try {
      const data = await api('GET', '/api/v1/quotes', { token: state.token });
      for (const quote of Array.isArray(data && data.items) ? data.items : []) onQuote(quote);
    } catch (err) {
      if (handleAuthFailure(err)) return;
      // Not fatal: live quotes fill the table as they arrive.
    }
  }

  async function loadNotifications() {
    try {
      const data = await api('GET', `/api/v1/notifications?limit=${NOTIFICATION_LIMIT}`, { token: state.token });
      const items = Array.isArray(data && data.items) ? data.items : [];
      state.notifications = [];
      state.notificationIds.clear();
      for (const item of items) rememberNotification(item, false);
      state.notificationsLoaded = true;
    } catch (err) {
      if (handleAuthFailure(err)) return;
      showListError(`Could not load notifications: ${err.message}`);
    }
    renderNotifications();
  }

  // Returns false for a notification already shown (replays after a reconnect).
  function rememberNotification(item, live) {
    const id = Number(item && item.id);
    if (!Number.isFinite(id) || state.notificationIds.has(id)) return false;
    state.notificationIds.add(id);
    state.lastNotificationId = Math.max(state.lastNotificationId, id);
    if (live) state.notifications.unshift(item);
    else state.notifications.push(item);
    state.notifications.sort((a, b) => Number(b.id) - Number(a.id));
    while (state.notifications.length > NOTIFICATION_LIMIT) {
      state.notificationIds.delete(Number(state.notifications.pop().id));
    }
    return true;
  }

  function renderNotifications(freshId) {
    const list = $('notification-list');
    list.replaceChildren(...state.notifications.map((item) => {
      const li = el('li', { className: 'notification', dataset: { testid: 'notification-item', id: item.id, alertId: item.alert_id } },
        el('p', { className: 'notification-message', dataset: { testid: 'notification-message' } }, String(item.message || '')),
        el('p', { className: 'notification-meta muted' },
          el('span', { className: 'symbol' }, String(item.symbol || '')),
          el('span', { className: 'num' }, formatPrice(item.price)),
          el('time', { dateTime: String(item.created_at || ''), title: String(item.created_at || '') },
            formatDateTime(item.created_at))));
      if (Number(item.id) === freshId) li.classList.add('is-new');
      return li;
    }));
    $('notifications-count').textContent = String(state.notifications.length);
    $('notifications-empty').hidden = state.notifications.length > 0;
  }

  function onNotification(item) {
    if (!rememberNotification(item, true)) return;
    renderNotifications(Number(item.id));
    showToast(item);
    showBrowserNotification(item);
    playSound();
    refreshAlertsSoon();
    window.dispatchEvent(new CustomEvent('bellwether:notification', { detail: item }));
  }

  // Optional sound: a short two-tone chime through Web Audio (no sound file).
  // The AudioContext is made on the click that turns sound on, as browsers
  // allow audio only after a gesture.
  function playSound() {
    if (!$('notify-sound').checked || !state.audio) return;
    const now = state.audio.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.12, 1320]]) {
      const osc = state.audio.createOscillator();
      const gain = state.audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.15, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.25);
      osc.connect(gain).connect(state.audio.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.3);
    }
    window.__bellwetherChimes = (window.__bellwetherChimes || 0) + 1;   // seen by the browser test
  }

  // A system notification too, once the user allowed it (asked for on a click:
  // browsers ignore permission requests that no gesture started).
  function showBrowserNotification(item) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      new Notification(`${item.symbol || 'Alert'} · ${formatPrice(item.price)}`, {
        body: String(item.message || ''), tag: `bellwether-${item.id}`,
      });
    } catch {
      // Some browsers allow notifications only from a service worker: the toast is enough.
    }
  }

  function renderNotificationPermission() {
    const button = $('notify-permission');
    button.hidden = !('Notification' in window) || Notification.permission !== 'default';
  }

  function showToast(item) {
    const container = $('toasts');
    while (container.children.length >= MAX_TOASTS) container.firstElementChild.remove();
    const close = el('button', { type: 'button', className: 'toast-close', 'aria-label': 'Dismiss notification' }, '×');
    const toast = el('div', { className: 'toast', dataset: { testid: 'toast', id: item.id } },
      el('div', { className: 'toast-body' },
        el('p', { className: 'toast-title' }, `${item.symbol || 'Alert'} · ${formatPrice(item.price)}`),
        el('p', { className: 'toast-message', dataset: { testid: 'toast-message' } }, String(item.message || ''))),
      close);
    const dismiss = () => toast.remove();
    close.addEventListener('click', dismiss);
    let timer = setTimeout(dismiss, TOAST_LIFETIME_MS);
    // Hovering or focusing a toast keeps it up; leaving restarts the countdown.
    const hold = () => clearTimeout(timer);
    const release = () => { clearTimeout(timer); timer = setTimeout(dismiss, TOAST_LIFETIME_MS); };
    toast.addEventListener('mouseenter', hold);
    toast.addEventListener('mouseleave', release);
    toast.addEventListener('focusin', hold);
    toast.addEventListener('focusout', release);
    container.append(toast);
  }

  // ---------------------------------------------------------------------------
  // Event stream

  function streamUrl() {
    // location.hostname keeps the brackets of an IPv6 literal, so this stays a valid URL.
    const url = new URL(`${location.protocol}//${location.hostname}:${state.streamPort}/api/v1/events`);
    // Password sign-in: the HttpOnly session cookie travels with the request.
    if (state.token) url.searchParams.set('access_token', state.token);
    // The server replays notifications with a larger id, so the ones that fired
    // between the REST load and this connection are not lost (0 when there were
    // none yet). Skipped if the load failed: 0 would replay the whole history.
    // On its own reconnects the browser sends the Last-Event-ID header, which wins.
    if (state.notificationsLoaded) url.searchParams.set('lastEventId', String(state.lastNotificationId));
    return url.toString();
  }

  function setStreamState(name) {
    const status = $('stream-status');
    status.dataset.state = name;
    status.querySelector('.stream-status-text').textContent =
      name === 'open' ? 'Live' : name === 'down' ? 'Offline' : 'Connecting';
    // The banner is for a stream that failed, not for the first connection attempt.
    $('connection-banner').hidden = name !== 'down' || !signedIn();
  }

  function closeStream() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    if (state.stream) {
      state.stream.close();
      state.stream = null;
    }
  }

  function connectStream() {
    closeStream();
    if (!signedIn() || !state.streamPort) {
      setStreamState('down');
      return;
    }
    const generation = state.streamGeneration;
    const source = new EventSource(streamUrl(), { withCredentials: !state.token });
    state.stream = source;
    setStreamState('connecting');
    const current = () => generation === state.streamGeneration && state.stream === source;

    source.addEventListener('open', () => {
      if (!current()) return;
      const reconnected = state.everConnected;
      state.everConnected = true;
      state.reconnectDelay = RECONNECT_MIN_MS;
      setStreamState('open');
      // Alert states may have changed while we were away, and the chart
      // missed the ticks in between.
      if (reconnected) {
        refreshAlertsSoon();
        window.dispatchEvent(new CustomEvent('bellwether:stream-reopened'));
      }
    });
    source.addEventListener('error', () => {
      if (!current()) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (non-200 answer): find out why before retrying.
        setStreamState('down');
        scheduleReconnect(generation);
      } else {
        // CONNECTING: the browser retries by itself and sends Last-Event-ID.
        setStreamState('down');
      }
    });
    source.addEventListener('quote', (event) => {
      if (!current()) return;
      const quote = parseEvent(event);
      if (!quote) return;
      onQuote(quote);
      window.dispatchEvent(new CustomEvent('bellwether:quote', { detail: quote }));
    });
    source.addEventListener('notification', (event) => {
      if (!current()) return;
      const item = parseEvent(event);
      if (item) onNotification(item);
    });
  }

  function parseEvent(event) {
    try {
      return JSON.parse(event.data);
    } catch {
      return null;   // a malformed event is dropped; the next one will do
    }
  }

  function scheduleReconnect(generation) {
    clearTimeout(state.reconnectTimer);
    const delay = state.reconnectDelay;
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, RECONNECT_MAX_MS);
    state.reconnectTimer = setTimeout(async () => {
      if (generation !== state.streamGeneration) return;
      try {
        await api('GET', '/api/v1/me', { token: state.token });
      } catch (err) {
        if (handleAuthFailure(err)) return;
        // Server unreachable: keep waiting, with a longer delay.
        if (generation === state.streamGeneration) scheduleReconnect(generation);
        return;
      }
      if (generation === state.streamGeneration) connectStream();
    }, delay);
  }

  // ---------------------------------------------------------------------------
  // Start-up

  async function loadInfo() {
    try {
      const info = await api('GET', '/api/v1/info');
      state.streamPort = Number(info && info.stream_port) || null;
      if (info && info.name) $('server-version').textContent = `${info.name} ${info.version || ''}`.trim();
    } catch (err) {
      state.streamPort = null;
    }
  }

  function wireEvents() {
    $('password-signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const username = $('username-input').value.trim();
      const password = $('password-input').value;
      if (!username || !password) {
        showSignIn('Enter your user name and password.');
        return;
      }
      const button = $('password-signin-submit');
      button.disabled = true;
      try {
        if (!state.streamPort) await loadInfo();
        await signInWithPassword(username, password);
      } finally {
        button.disabled = false;
      }
    });
    $('password-form').addEventListener('submit', submitPasswordChange);
    $('signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = $('token-input').value.trim();
      if (!token) {
        showSignIn('Enter your API token.', { tokenForm: true });
        return;
      }
      const button = $('signin-submit');
      button.disabled = true;
      try {
        if (!state.streamPort) await loadInfo();
        await signIn(token);
      } finally {
        button.disabled = false;
      }
    });
    $('sign-out').addEventListener('click', () => signOutFromServer());
    $('notify-permission').addEventListener('click', async () => {
      try { await Notification.requestPermission(); } catch { /* unsupported: keep the toasts */ }
      renderNotificationPermission();
    });
    $('alert-form').addEventListener('submit', submitAlert);
    $('alert-mode').addEventListener('change', syncFormFields);
    $('alert-cancel').addEventListener('click', () => { resetAlertForm(); $('alert-symbol').focus(); });
    for (const tab of document.querySelectorAll('#page-nav .page-tab')) {
      tab.addEventListener('click', () => {
        showPage(tab.dataset.page);
        history.replaceState(null, '', `#${state.page}`);
      });
    }
    $('notify-sound').addEventListener('change', (event) => {
      if (event.target.checked && !state.audio && window.AudioContext) state.audio = new AudioContext();
    });
    // channels.js tells the form which channels an alert can deliver to.
    window.addEventListener('bellwether:channels', (event) => renderChannelOptions(event.detail.channels));
    $('alert-symbol').addEventListener('input', (event) => {
      const input = event.target;
      const { selectionStart, selectionEnd } = input;
      input.value = input.value.toUpperCase();
      input.setSelectionRange(selectionStart, selectionEnd);
    });
    // Another tab signed out: follow it.
    window.addEventListener('storage', (event) => {
      if (event.key === TOKEN_KEY && !event.newValue && state.token) signOut();
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') $('toasts').replaceChildren();
    });
  }

  // What chart.js, history.js and channels.js use from here.
  window.bellwetherApp = {
    prefillAlert,
    createAlert,
    readAlertForm,
    showPage,
    describeCondition,
    conditionLevels: (condition) => conditions.levels(condition),
    formatPrice,
    formatDateTime,
    lastPrice: (symbol) => (state.quotes.get(symbol) || {}).price ?? null,
    handleAuthFailure,
  };

  async function start() {
    conditionEditor = new conditions.ConditionEditor({
      select: $('alert-condition'), host: $('alert-condition-inputs'), idPrefix: 'alert', path: 'condition',
      onChange: syncFormFields,
    });
    conditionEditor.reset();
    syncFormFields();
    // Sound stays off until the user turns it on in this tab (audio needs a click).
    $('notify-sound').checked = false;
    wireEvents();
    renderNotificationPermission();
    renderPricesMeta();
    renderAlerts();
    renderNotifications();
    await loadInfo();
    const saved = localStorage.getItem(TOKEN_KEY);
    if (saved) {
      await signIn(saved, { fromStorage: true });
      return;
    }
    // A reload keeps a password sign-in: the cookie is still there.
    let session = null;
    try { session = await api('GET', '/api/v1/session'); } catch { session = null; }
    if (session) await enterSession(session);
    else showSignIn();
  }

  start();
})();
