// Bellwether dashboard, notification history: every notification of the
// signed-in user, filtered on the server (GET /api/v1/notifications with
// symbol, alert_id, since, until) and paged by cursor ("Load more"); per
// notification, each channel's delivery (status, attempts, last error) with a
// Retry button for failed ones (POST /api/v1/deliveries/{id}/retry).
//
// Follows app.js through bellwether:signed-in / signed-out / page / alerts /
// notification, and channels.js through bellwether:channels (channel names).
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const PAGE_SIZE = 50;
  const RETRYABLE = new Set(['retrying', 'dead']);

  let session = null;
  let nextCursor = null;
  let loaded = false;          // the current filters' first page is shown
  let generation = 0;          // a newer load makes older answers stale
  let channels = new Map();    // id -> channel

  const app = () => window.bellwetherApp;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'className' || key === 'type' || key === 'title' || key === 'dateTime') node[key] = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function showError(err) {
    $('history-error').textContent = err ? (err.detail || err.message || String(err)) : '';
    $('history-error').hidden = !err;
  }

  // The filters as query parameters; dates are local days, sent as instants.
  function filterQuery() {
    const params = new URLSearchParams();
    const symbol = $('history-symbol').value.trim().toUpperCase();
    if (symbol) params.set('symbol', symbol);
    if ($('history-alert').value !== '') params.set('alert_id', $('history-alert').value);
    const since = $('history-since').value;
    if (since) params.set('since', new Date(`${since}T00:00:00`).toISOString());
    const until = $('history-until').value;
    if (until) {
      const end = new Date(`${until}T00:00:00`);
      end.setDate(end.getDate() + 1);   // "to" includes that whole day
      params.set('until', end.toISOString());
    }
    return params;
  }

  const filtering = () => [...filterQuery().keys()].length > 0;

  async function load({ more = false } = {}) {
    if (!session) return;
    const mine = more ? generation : ++generation;
    const params = filterQuery();
    params.set('limit', String(PAGE_SIZE));
    if (more && nextCursor) params.set('cursor', nextCursor);
    let data;
    try {
      data = await session.api('GET', `/api/v1/notifications?${params}`);
    } catch (err) {
      if (mine !== generation) return;
      if (app().handleAuthFailure(err)) return;
      showError(err);
      return;
    }
    if (mine !== generation) return;
    showError(null);
    const items = Array.isArray(data && data.items) ? data.items : [];
    if (!more) $('history-list').replaceChildren();
    $('history-list').append(...items.map(renderItem));
    nextCursor = data && data.next_cursor ? data.next_cursor : null;
    $('history-more').hidden = !nextCursor;
    $('history-empty').hidden = $('history-list').children.length > 0;
    loaded = true;
  }

  function renderItem(item) {
    const test = Number(item.alert_id) === 0;
    const deliveries = el('ul', { className: 'delivery-list', dataset: { testid: 'delivery-list' }, id: `deliveries-${item.id}` });
    deliveries.hidden = true;
    const toggle = el('button', {
      type: 'button', className: 'btn btn-ghost btn-small', dataset: { testid: 'history-deliveries' },
      'aria-expanded': 'false', 'aria-controls': `deliveries-${item.id}`, 'aria-label': `Deliveries of notification ${item.id}`,
    }, 'Deliveries');
    toggle.addEventListener('click', async () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      deliveries.hidden = !open;
      if (open) await loadDeliveries(item, deliveries);
    });
    return el('li', { className: 'history-item', dataset: { testid: 'history-item', id: item.id, alertId: item.alert_id } },
      el('div', { className: 'history-main' },
        el('p', { className: 'notification-message', dataset: { testid: 'history-message' } }, String(item.message || '')),
        el('p', { className: 'notification-meta muted' },
          test ? el('span', { className: 'badge' }, 'channel test') : el('span', { className: 'symbol' }, String(item.symbol || '')),
          test ? null : el('span', { className: 'num' }, app().formatPrice(item.price)),
          el('time', { dateTime: String(item.created_at || ''), title: String(item.created_at || '') }, app().formatDateTime(item.created_at)))),
      toggle, deliveries);
  }

  function channelName(id) {
    const channel = channels.get(Number(id));
    if (!channel) return `channel ${id}`;
    return `${channel.type === 'email' ? 'Email' : 'Webhook'} ${channel.url || channel.address || ''}`;
  }

  async function loadDeliveries(item, list) {
    list.replaceChildren(el('li', { className: 'muted' }, 'Loading…'));
    let data;
    try {
      data = await session.api('GET', `/api/v1/notifications/${encodeURIComponent(item.id)}/deliveries`);
    } catch (err) {
      if (app().handleAuthFailure(err)) return;
      list.replaceChildren(el('li', { className: 'field-error', role: 'alert' }, err.detail || err.message));
      return;
    }
    const rows = Array.isArray(data && data.items) ? data.items : [];
    if (rows.length === 0) {
      list.replaceChildren(el('li', { className: 'muted', dataset: { testid: 'delivery-none' } }, 'Shown here and on the stream only: the alert names no channels.'));
      return;
    }
    list.replaceChildren(...rows.map((d) => renderDelivery(item, d, list)));
  }

  function renderDelivery(item, d, list) {
    const detail = [];
    detail.push(`${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`);
    if (d.last_status_code) detail.push(`HTTP ${d.last_status_code}`);
    if (d.status === 'retrying' && d.next_attempt_at) detail.push(`next ${app().formatDateTime(d.next_attempt_at)}`);
    const row = el('li', { className: 'delivery', dataset: { testid: 'delivery-row', status: d.status, deliveryId: d.id } },
      el('span', { className: 'grow' }, channelName(d.channel_id)),
      el('span', { className: 'badge', dataset: { state: d.status, testid: 'delivery-status' } }, d.status),
      el('span', { className: 'muted' }, detail.join(' · ')));
    if (d.last_error) row.append(el('span', { className: 'delivery-error', dataset: { testid: 'delivery-error' } }, String(d.last_error)));
    if (RETRYABLE.has(d.status)) {
      const retry = el('button', { type: 'button', className: 'btn btn-ghost btn-small', dataset: { testid: 'delivery-retry' }, 'aria-label': `Retry delivery to ${channelName(d.channel_id)}` }, 'Retry now');
      retry.addEventListener('click', async () => {
        retry.disabled = true;
        try {
          const due = await session.api('POST', `/api/v1/deliveries/${encodeURIComponent(d.id)}/retry`);
          await watchRetry(item, list, due);
        } catch (err) {
          if (app().handleAuthFailure(err)) return;
          retry.disabled = false;
          row.append(el('span', { className: 'field-error', role: 'alert' }, err.detail || err.message));
        }
      });
      row.append(retry);
    }
    return row;
  }

  // After a retry: refresh the rows until the dispatcher has made the new
  // attempt (the delivery's attempt count grows), for a few seconds at most.
  async function watchRetry(item, list, due) {
    for (let i = 0; i < 30; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const data = await session.api('GET', `/api/v1/notifications/${encodeURIComponent(item.id)}/deliveries`);
      const now = (data && data.items ? data.items : []).find((d) => d.id === due.id);
      if (now && now.attempts > due.attempts) break;
    }
    await loadDeliveries(item, list);
  }

  function renderAlertOptions(alerts) {
    const select = $('history-alert');
    const current = select.value;
    const options = [el('option', { value: '' }, 'All alerts'), el('option', { value: '0' }, 'Channel tests')];
    for (const alert of alerts) {
      options.push(el('option', { value: String(alert.id) },
        `#${alert.id} ${alert.symbol} ${app().describeCondition(alert.condition)}${alert.name ? ` (${alert.name})` : ''}`));
    }
    select.replaceChildren(...options);
    if ([...select.options].some((o) => o.value === current)) select.value = current;
  }

  function onNotification(event) {
    // A live notification goes on top when it is what the unfiltered list would show.
    if (!loaded || filtering() || !session) return;
    const item = event.detail;
    if ($('history-list').querySelector(`[data-id="${CSS.escape(String(item.id))}"]`)) return;
    $('history-list').prepend(renderItem(item));
    $('history-empty').hidden = true;
  }

  function reset() {
    generation += 1;
    loaded = false;
    nextCursor = null;
    $('history-list').replaceChildren();
    $('history-more').hidden = true;
    $('history-empty').hidden = true;
    showError(null);
  }

  $('history-form').addEventListener('submit', (event) => { event.preventDefault(); load(); });
  $('history-form').addEventListener('reset', () => setTimeout(() => load(), 0));
  $('history-more').addEventListener('click', () => load({ more: true }));
  window.addEventListener('bellwether:page', (event) => { if (event.detail.page === 'history') load(); });
  window.addEventListener('bellwether:alerts', (event) => renderAlertOptions(event.detail.alerts || []));
  window.addEventListener('bellwether:channels', (event) => {
    channels = new Map((event.detail.channels || []).map((c) => [Number(c.id), c]));
  });
  window.addEventListener('bellwether:notification', onNotification);
  window.addEventListener('bellwether:signed-in', () => {
    session = window.bellwetherSession;
    reset();
    if (!document.querySelector('.page[data-page="history"]').hidden) load();   // restored from the URL
  });
  window.addEventListener('bellwether:signed-out', () => { session = null; reset(); });
  if (window.bellwetherSession) session = window.bellwetherSession;
})();
