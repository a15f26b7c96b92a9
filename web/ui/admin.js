// Bellwether dashboard, admin page: server status for administrators —
// readiness (GET /readyz: store, engine and feeds), version and stream port
// (GET /api/v1/info), how many symbols have quotes (GET /api/v1/quotes) and
// this page's own stream connection. The users card on the same page is
// account.js's. Follows app.js through bellwether:signed-in/out and :page.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  let session = null;

  function row(term, value, testid) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.testid = testid;
    return [dt, dd];
  }

  function showError(message) {
    $('status-error').textContent = message || '';
    $('status-error').hidden = !message;
  }

  // /readyz answers 200 {"status":"ready"} or 503 with the reason; fetched
  // directly so a 503 is a status to show, not an error to throw.
  async function readiness() {
    try {
      const response = await fetch('/readyz', { cache: 'no-store' });
      const body = await response.json().catch(() => null);
      if (response.ok) return 'ready';
      return `not ready: ${(body && body.detail) || response.statusText}`;
    } catch {
      return 'unreachable';
    }
  }

  async function load() {
    if (!session || !session.user.admin) return;
    try {
      const [ready, info, quotes] = await Promise.all([
        readiness(),
        session.api('GET', '/api/v1/info'),
        session.api('GET', '/api/v1/quotes'),
      ]);
      const stream = document.getElementById('stream-status').dataset.state;
      $('status-list').replaceChildren(
        ...row('Readiness', ready, 'status-ready'),
        ...row('Version', `${info.name || 'bellwether'} ${info.version || ''}`.trim(), 'status-version'),
        ...row('Event stream port', String(info.stream_port || '—'), 'status-stream-port'),
        ...row('Symbols with quotes', String(Array.isArray(quotes.items) ? quotes.items.length : 0), 'status-symbols'),
        ...row('This page\u2019s stream', stream === 'open' ? 'live' : stream, 'status-stream'),
        ...row('Checked at', new Date().toLocaleTimeString(), 'status-checked'),
      );
      showError('');
    } catch (err) {
      if (window.bellwetherApp.handleAuthFailure(err)) return;
      showError(err.detail || err.message);
    }
  }

  $('status-refresh').addEventListener('click', load);
  window.addEventListener('bellwether:page', (event) => { if (event.detail.page === 'admin') load(); });
  window.addEventListener('bellwether:signed-in', () => {
    session = window.bellwetherSession;
    if (!document.querySelector('.page[data-page="admin"]').hidden) load();
  });
  window.addEventListener('bellwether:signed-out', () => { session = null; $('status-list').replaceChildren(); showError(''); });
  if (window.bellwetherSession) session = window.bellwetherSession;
})();
