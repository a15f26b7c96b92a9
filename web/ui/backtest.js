// Bellwether dashboard, alert backtest: the alert form's "Backtest" button
// sends the form's candidate alert (app.js readAlertForm, the body a create
// would send) to POST /api/v1/alerts/backtest and shows when it would have
// fired over the recent ticks the server holds for its symbol: the fires, the
// number of ticks examined and their time range. Nothing is created.
//
// Uses window.bellwetherApp (readAlertForm, formatPrice, formatDateTime,
// handleAuthFailure) and window.bellwetherSession (api) from app.js.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const MAX_SHOWN = 50;

  const app = () => window.bellwetherApp;
  let session = window.bellwetherSession || null;
  let generation = 0;   // a newer run makes an older answer stale

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'className' || key === 'dateTime') node[key] = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children) node.append(child);
    return node;
  }

  function when(ts) {
    const format = app() && app().formatDateTime;
    return format ? format(ts) : new Date(ts).toLocaleString();
  }

  function price(value) {
    const format = app() && app().formatPrice;
    return format ? format(value) : String(value);
  }

  function show(...children) {
    const box = $('alert-backtest-result');
    box.replaceChildren(...children);
    box.hidden = children.length === 0;
  }

  function summary(result) {
    const ticks = result.ticks_examined;
    if (!ticks) return `No recent ticks for ${result.symbol} yet: nothing to test against.`;
    const range = `${when(result.from)} – ${when(result.to)}`;
    const fires = result.fire_count;
    const firesText = fires === 0 ? 'would not have fired' : `would have fired ${fires} time${fires === 1 ? '' : 's'}`;
    return `${result.symbol}: ${firesText} over ${ticks} tick${ticks === 1 ? '' : 's'} (${range}).`;
  }

  function render(result) {
    const heading = el('p', { className: 'backtest-summary', 'data-testid': 'backtest-summary' }, summary(result));
    const list = el('ol', { className: 'backtest-fires', 'data-testid': 'backtest-fires', 'aria-label': 'Backtest fires' });
    for (const fire of result.fires.slice(0, MAX_SHOWN)) {
      const arrow = fire.direction === 'up' ? '▲' : '▼';
      list.append(el('li', { 'data-testid': 'backtest-fire' },
        el('time', { dateTime: fire.ts }, when(fire.ts)), ' ',
        el('span', { 'aria-label': fire.direction }, arrow), ` ${price(fire.price)}`,
        fire.state_after === 'triggered' ? ' (then triggered)' : ''));
    }
    const more = result.fire_count > MAX_SHOWN
      ? [el('p', { className: 'backtest-more' }, `First ${MAX_SHOWN} of ${result.fire_count} shown.`)] : [];
    show(heading, ...(result.fires.length ? [list] : []), ...more);
  }

  async function run() {
    const button = $('alert-backtest');
    if (!session || !app() || !app().readAlertForm || button.disabled) return;
    const body = app().readAlertForm();
    delete body.channels;   // a backtest delivers nothing
    const mine = ++generation;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    show(el('p', { className: 'backtest-summary' }, 'Backtesting…'));
    try {
      const result = await session.api('POST', '/api/v1/alerts/backtest', { body });
      if (mine === generation) render(result);
    } catch (err) {
      if (app().handleAuthFailure && app().handleAuthFailure(err)) return;
      if (mine === generation) {
        show(el('p', { className: 'field-error', role: 'alert', 'data-testid': 'backtest-error' },
          `Backtest failed: ${err.detail || err.message}`));
      }
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  $('alert-backtest').addEventListener('click', run);
  // A reset or submitted form makes an old result misleading.
  $('alert-form').addEventListener('reset', () => { generation++; show(); });
  window.addEventListener('bellwether:signed-in', () => { session = window.bellwetherSession; show(); });
  window.addEventListener('bellwether:signed-out', () => { session = null; generation++; show(); });
})();
