// Bellwether dashboard, admin page: the price sources' health (GET
// /api/v1/sources, admins only) — per source its type, state, last message,
// rate, rejections by reason, reconnects and last error, plus the ingest hub's
// counters and queue depth. Polls every POLL_MS while the admin page is shown
// and the browser tab is visible; stops when another page is shown, the tab is
// hidden or the user signs out. Follows app.js through bellwether:* events.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 3000;
  const STATES = new Set(['connecting', 'live', 'stale', 'down']);
  let session = null;
  let adminShown = false;
  let timer = null;
  let generation = 0;   // bumped on every stop, so a late answer is dropped

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function formatCount(value) {
    return Number.isFinite(value) ? value.toLocaleString('en-US') : '—';
  }

  function formatRate(value) {
    if (!Number.isFinite(value)) return '—';
    return value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 1 : 0 });
  }

  // "12 s ago", "4 min ago", …: relative to the browser's clock; the exact time
  // is in the <time> element's datetime and title.
  function relativeTime(iso) {
    const at = Date.parse(iso);
    if (!Number.isFinite(at)) return '—';
    const seconds = Math.max(0, Math.round((Date.now() - at) / 1000));
    if (seconds < 2) return 'just now';
    if (seconds < 90) return `${seconds} s ago`;
    if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
    if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
    return `${Math.round(seconds / 86400)} d ago`;
  }

  function lastMessageCell(iso) {
    const td = cell('', 'num source-time');
    if (!iso) {
      td.textContent = 'never';
      return td;
    }
    const time = document.createElement('time');
    time.dateTime = iso;
    time.title = new Date(iso).toLocaleString();
    time.textContent = relativeTime(iso);
    td.append(time);
    return td;
  }

  function stateCell(state) {
    const known = STATES.has(state) ? state : 'unknown';
    const badge = document.createElement('span');
    badge.className = 'badge source-state';
    badge.dataset.state = known;
    badge.dataset.testid = 'source-state';
    badge.textContent = known;   // the colour repeats the text, never replaces it
    const td = cell('');
    td.append(badge);
    return td;
  }

  // The count, and when there are rejections a disclosure with each reason:
  // <details> opens with the keyboard, unlike a title tooltip.
  function rejectedCell(total, byReason) {
    const td = cell('', 'num');
    td.dataset.testid = 'source-rejected';
    const reasons = Object.entries(byReason || {}).filter(([, count]) => count > 0);
    if (!total || reasons.length === 0) {
      td.textContent = formatCount(total || 0);
      return td;
    }
    const details = document.createElement('details');
    details.className = 'source-reasons';
    const summary = document.createElement('summary');
    summary.textContent = formatCount(total);
    summary.title = reasons.map(([reason, count]) => `${reason}: ${count}`).join('\n');
    summary.setAttribute('aria-label', `${formatCount(total)} rejected, show reasons`);
    const list = document.createElement('ul');
    for (const [reason, count] of reasons) {
      const item = document.createElement('li');
      item.textContent = `${reason}: ${formatCount(count)}`;
      list.append(item);
    }
    details.append(summary, list);
    td.append(details);
    return td;
  }

  function sourceRow(source, openReasons) {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'source-row';
    tr.dataset.source = source.name;
    const name = document.createElement('th');
    name.scope = 'row';
    name.className = 'source-name';
    name.textContent = source.name;
    const messages = cell(formatCount(source.messages), 'num');
    messages.dataset.testid = 'source-messages';
    const error = cell(source.last_error || '—', 'source-error');
    error.dataset.testid = 'source-last-error';
    tr.append(name, cell(source.type || '—'), stateCell(source.state),
      lastMessageCell(source.last_message_at), cell(formatRate(source.messages_per_s), 'num'),
      messages, rejectedCell(source.rejected, source.rejected_by_reason),
      cell(formatCount(source.reconnects), 'num'), error);
    // Keep a disclosure the admin opened open across refreshes.
    const details = tr.querySelector('details');
    if (details && openReasons.has(source.name)) details.open = true;
    return tr;
  }

  function hubSummary(hub) {
    if (!hub) return '';
    const capacity = Number.isFinite(hub.queue_capacity) ? ` of ${formatCount(hub.queue_capacity)}` : '';
    return `Engine queue ${formatCount(hub.queue_depth)}${capacity} · accepted ${formatCount(hub.accepted)}`
      + ` · merged ${formatCount(hub.merged)} · refused (queue full) ${formatCount(hub.queue_full)}`;
  }

  function render(body) {
    const sources = Array.isArray(body && body.sources) ? body.sources : [];
    const openReasons = new Set([...$('source-list').querySelectorAll('tr')]
      .filter((tr) => tr.querySelector('details[open]')).map((tr) => tr.dataset.source));
    $('source-list').replaceChildren(...sources.map((source) => sourceRow(source, openReasons)));
    $('sources-count').textContent = String(sources.length);
    $('sources-empty').hidden = sources.length > 0;
    $('sources-hub').textContent = hubSummary(body && body.hub);
    $('sources-checked').textContent = `Checked at ${new Date().toLocaleTimeString()}`;
  }

  function showError(message) {
    $('sources-error').textContent = message || '';
    $('sources-error').hidden = !message;
  }

  function shouldPoll() {
    return Boolean(session && session.user.admin && adminShown && document.visibilityState === 'visible');
  }

  async function load() {
    if (!shouldPoll()) return;
    const mine = generation;
    try {
      const body = await session.api('GET', '/api/v1/sources');
      if (mine !== generation) return;
      render(body);
      showError('');
    } catch (err) {
      if (mine !== generation) return;
      if (window.bellwetherApp.handleAuthFailure(err)) return;
      showError(`Could not load the sources: ${err.detail || err.message || err.title || 'unknown error'}`);
    }
    // The next poll is scheduled after this one ends, so requests never pile up.
    if (mine === generation && shouldPoll()) timer = setTimeout(load, POLL_MS);
  }

  function stop() {
    generation += 1;
    clearTimeout(timer);
    timer = null;
  }

  function restart() {
    stop();
    load();
  }

  $('sources-refresh').addEventListener('click', restart);
  window.addEventListener('bellwether:page', (event) => {
    adminShown = event.detail.page === 'admin';
    if (adminShown) restart();
    else stop();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') restart();
    else stop();
  });
  window.addEventListener('bellwether:signed-in', () => {
    session = window.bellwetherSession;
    adminShown = !document.querySelector('.page[data-page="admin"]').hidden;
    restart();
  });
  window.addEventListener('bellwether:signed-out', () => {
    session = null;
    adminShown = false;
    stop();
    $('source-list').replaceChildren();
    $('sources-count').textContent = '0';
    $('sources-hub').textContent = '';
    $('sources-checked').textContent = '';
    showError('');
  });
  if (window.bellwetherSession) session = window.bellwetherSession;
})();
