// Bellwether dashboard, channels page: the user's webhooks and email
// addresses (GET/POST/DELETE /api/v1/channels). A new webhook's signing secret
// is shown once. "Send test" queues a test message through the real outbox
// (POST /api/v1/channels/{id}/test) and follows its delivery until it is
// delivered or has failed, showing the channel's answer.
//
// Tells app.js (the alert form) and history.js the channel list through
// bellwether:channels; follows the session through bellwether:signed-in/out.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const PAGE_LIMIT = 500;
  const TEST_POLL_MS = 300;
  const TEST_POLLS = 40;     // about 12 s: then the row says it is still queued

  let session = null;
  let channels = [];

  const app = () => window.bellwetherApp;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'className' || key === 'type' || key === 'title') node[key] = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function showError(err) {
    $('channels-error').textContent = err ? (err.detail || err.message || String(err)) : '';
    $('channels-error').hidden = !err;
  }

  function showSecret(value) {
    $('channel-secret-value').value = value || '';
    $('channel-secret').hidden = !value;
    if (value) $('channel-secret-value').select();
  }

  const targetOf = (channel) => channel.url || channel.address || '';
  const nameOf = (channel) => `${channel.type === 'email' ? 'email' : 'webhook'} ${targetOf(channel)}`;

  async function load() {
    if (!session) return;
    const items = [];
    let cursor = null;
    try {
      do {
        const data = await session.api('GET', `/api/v1/channels?limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (Array.isArray(data && data.items)) items.push(...data.items);
        cursor = data && data.next_cursor ? data.next_cursor : null;
      } while (cursor);
    } catch (err) {
      if (err.status === 404) { channels = []; render(); return; }   // delivery disabled on this server
      if (app().handleAuthFailure(err)) return;
      showError(err);
      return;
    }
    channels = items;
    showError(null);
    render();
  }

  function render() {
    $('channels-count').textContent = String(channels.length);
    $('channels-empty').hidden = channels.length > 0;
    $('channel-list').replaceChildren(...channels.map(renderChannel));
    window.dispatchEvent(new CustomEvent('bellwether:channels', { detail: { channels } }));
  }

  function renderChannel(channel) {
    const status = el('span', { className: 'channel-test-status muted', dataset: { testid: 'channel-test-status' }, role: 'status' });
    const test = el('button', { type: 'button', className: 'btn btn-ghost btn-small', dataset: { testid: 'channel-test' }, 'aria-label': `Send a test message to ${nameOf(channel)}` }, 'Send test');
    test.disabled = !channel.enabled;
    test.addEventListener('click', () => sendTest(channel, test, status));
    const remove = el('button', { type: 'button', className: 'btn btn-danger btn-small', dataset: { testid: 'channel-delete' }, 'aria-label': `Delete ${nameOf(channel)}` }, 'Delete');
    remove.addEventListener('click', async () => {
      // Two steps instead of confirm(): the first click arms, the second deletes.
      if (remove.dataset.armed !== 'true') {
        remove.dataset.armed = 'true';
        remove.textContent = 'Confirm delete';
        return;
      }
      remove.disabled = true;
      try {
        await session.api('DELETE', `/api/v1/channels/${encodeURIComponent(channel.id)}`);
      } catch (err) {
        if (app().handleAuthFailure(err)) return;
        if (err.status !== 404) { remove.disabled = false; showError(err); return; }
      }
      await load();
    });
    const state = channel.enabled ? null : el('span', { className: 'badge', dataset: { state: 'failed' } }, `disabled: ${channel.disabled_reason || 'by the server'}`);
    return el('li', { className: 'channel-row', dataset: { testid: 'channel-row', channelId: channel.id, type: channel.type } },
      el('span', { className: 'grow' },
        el('span', { className: 'badge' }, channel.type),
        ` ${targetOf(channel)}`),
      state, status, test, remove);
  }

  async function sendTest(channel, button, status) {
    button.disabled = true;
    status.dataset.state = 'pending';
    status.textContent = 'Sending…';
    try {
      const sent = await session.api('POST', `/api/v1/channels/${encodeURIComponent(channel.id)}/test`);
      await followDelivery(sent.notification.id, status);
    } catch (err) {
      if (app().handleAuthFailure(err)) return;
      status.dataset.state = 'failed';
      status.textContent = err.detail || err.message;
    } finally {
      button.disabled = !channel.enabled;
    }
  }

  // Polls the test's delivery until the dispatcher has an answer.
  async function followDelivery(notificationId, status) {
    for (let i = 0; i < TEST_POLLS; i += 1) {
      const data = await session.api('GET', `/api/v1/notifications/${encodeURIComponent(notificationId)}/deliveries`);
      const d = data && Array.isArray(data.items) ? data.items[0] : null;
      if (d && d.status !== 'pending') {
        status.dataset.state = d.status;
        status.textContent = d.status === 'delivered'
          ? `Test delivered${d.last_status_code ? ` (HTTP ${d.last_status_code})` : ''}.`
          : `Test ${d.status}: ${d.last_error || (d.last_status_code ? `HTTP ${d.last_status_code}` : 'no answer')}. See History to retry.`;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, TEST_POLL_MS));
    }
    status.dataset.state = 'pending';
    status.textContent = 'Test queued; the delivery has not been attempted yet (see History).';
  }

  function syncTypeField() {
    const email = $('channel-type').value === 'email';
    $('channel-target-label').textContent = email ? 'Email address' : 'Webhook URL';
    $('channel-target').type = email ? 'email' : 'url';
    $('channel-target').placeholder = email ? 'you@example.com' : 'https://example.com/hooks/bellwether';
  }

  async function create(event) {
    event.preventDefault();
    const type = $('channel-type').value;
    const target = $('channel-target').value.trim();
    const body = type === 'email' ? { type, address: target } : { type, url: target };
    try {
      const created = await session.api('POST', '/api/v1/channels', { body });
      $('channel-target').value = '';
      $('channel-target').setAttribute('aria-invalid', 'false');
      showSecret(created.secret || null);
      $('channel-status').textContent = `Added ${nameOf(created)}.`;
      showError(null);
      await load();
    } catch (err) {
      if (app().handleAuthFailure(err)) return;
      $('channel-target').setAttribute('aria-invalid', 'true');
      showError(err);
    }
  }

  $('channel-form').addEventListener('submit', create);
  $('channel-type').addEventListener('change', syncTypeField);
  window.addEventListener('bellwether:signed-in', () => { session = window.bellwetherSession; load(); });
  window.addEventListener('bellwether:signed-out', () => {
    session = null;
    channels = [];
    showSecret(null);
    showError(null);
    $('channel-status').textContent = '';
    render();
  });
  syncTypeField();
  if (window.bellwetherSession) { session = window.bellwetherSession; load(); }
})();
