// Bellwether dashboard, account settings: quiet hours (GET and PATCH
// /api/v1/me/settings, docs/API.md "Settings"). A daily window in a time zone
// during which email and webhook deliveries wait. Validation is the server's:
// its problem detail ("quiet_hours.timezone: …") is shown under the field it
// names. Follows app.js through the bellwether:signed-in / signed-out events
// and calls the API through app.js's api() (CSRF and all).
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const FIELDS = ['quiet-start', 'quiet-end', 'quiet-timezone'];
  let session = null;
  let loaded = false;

  // The browser's zone when the server understands it, else UTC.
  function suggestedZone() {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone === 'America/New_York' || zone === 'UTC' ? zone : 'UTC';
  }

  function clearErrors() {
    for (const id of FIELDS) {
      $(id).setAttribute('aria-invalid', 'false');
      $(`${id}-error`).hidden = true;
      $(`${id}-error`).textContent = '';
    }
    $('settings-error').hidden = true;
    $('settings-error').textContent = '';
  }

  // The field a detail names ("quiet_hours.start: …") gets the message inline;
  // anything else goes to the form's error line.
  function showError(err) {
    const message = err.detail || err.message || 'Something went wrong.';
    const path = /^\s*([\w.]+)\s*:/.exec(message);
    const input = path ? FIELDS.map($).find((i) => i.dataset.path === path[1]) : null;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      $(`${input.id}-error`).textContent = message;
      $(`${input.id}-error`).hidden = false;
      input.focus();
    } else {
      $('settings-error').textContent = message;
      $('settings-error').hidden = false;
    }
  }

  function syncEnabled() {
    const on = $('quiet-enabled').checked;
    for (const id of FIELDS) $(id).disabled = !on;
  }

  function render(settings) {
    const quiet = settings && settings.quiet_hours;
    $('quiet-enabled').checked = Boolean(quiet);
    $('quiet-start').value = quiet ? quiet.start : '22:00';
    $('quiet-end').value = quiet ? quiet.end : '07:00';
    $('quiet-timezone').value = quiet ? quiet.timezone : suggestedZone();
    syncEnabled();
    const until = settings && settings.quiet_until;
    $('settings-status').textContent = until
      ? `Quiet now: deliveries wait until ${new Date(until).toLocaleString()}.`
      : quiet ? `Quiet daily from ${quiet.start} to ${quiet.end} (${quiet.timezone}).` : 'No quiet hours: deliveries go out at once.';
  }

  async function load() {
    if (!session || loaded) return;
    try {
      render(await session.api('GET', '/api/v1/me/settings'));
      loaded = true;
      clearErrors();
    } catch (err) {
      if (window.bellwetherApp && window.bellwetherApp.handleAuthFailure(err)) return;
      showError(err);
    }
  }

  async function save(event) {
    event.preventDefault();
    if (!session) return;
    const button = $('settings-save');
    const body = {
      quiet_hours: $('quiet-enabled').checked
        ? { start: $('quiet-start').value, end: $('quiet-end').value, timezone: $('quiet-timezone').value.trim() }
        : null,
    };
    button.disabled = true;
    clearErrors();
    $('settings-status').textContent = '';
    try {
      render(await session.api('PATCH', '/api/v1/me/settings', { body }));
      loaded = true;
    } catch (err) {
      if (window.bellwetherApp && window.bellwetherApp.handleAuthFailure(err)) return;
      showError(err);
    } finally {
      button.disabled = false;
    }
  }

  $('settings-form').addEventListener('submit', save);
  $('quiet-enabled').addEventListener('change', syncEnabled);
  window.addEventListener('bellwether:signed-in', () => {
    session = window.bellwetherSession;
    loaded = false;
    if (!$('page-nav').querySelector('[data-page="account"][aria-current="page"]')) return;
    load();
  });
  window.addEventListener('bellwether:signed-out', () => {
    session = null;
    loaded = false;
    render(null);
    clearErrors();
    $('settings-status').textContent = '';
  });
  window.addEventListener('bellwether:page', (event) => {
    if (event.detail.page === 'account') load();
  });
})();
