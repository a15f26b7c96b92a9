// Bellwether dashboard, watchlist: the symbols a user follows, kept on the
// server (GET/PUT /api/v1/watchlist; the event stream then carries only their
// quotes) and cached per user in localStorage for an instant first render.
// When the list has symbols, the live prices table shows only their rows; an
// empty list shows all (and the stream carries every symbol).
// Follows app.js through the bellwether:signed-in / signed-out events and
// watches the table for new rows, so app.js needs no knowledge of it.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const MAX_SYMBOLS = 100;
  const SYMBOL = /^[A-Z0-9.\-/]{1,15}$/;   // the server's symbol rule (docs/API.md)
  let key = null;                          // localStorage key of the signed-in user
  let symbols = [];
  let saving = Promise.resolve();         // PUTs in order, so the last change wins

  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(key) || '[]');
      symbols = Array.isArray(saved) ? saved.filter((s) => typeof s === 'string' && SYMBOL.test(s)).slice(0, MAX_SYMBOLS) : [];
    } catch {
      symbols = [];   // unreadable: start empty rather than fail
    }
  }

  function save() {
    if (!key) return;
    localStorage.setItem(key, JSON.stringify(symbols));
    const session = window.bellwetherSession;
    if (!session) return;
    const body = { symbols: symbols.slice() };
    // Not fatal when it fails: the table still filters; the stream carries more quotes.
    saving = saving.then(() => session.api('PUT', '/api/v1/watchlist', { body })).catch(() => {});
  }

  // The server's list wins; a list only this browser has (kept before the
  // server stored watchlists) is uploaded once.
  async function syncFromServer(session, userKey) {
    let data;
    try {
      data = await session.api('GET', '/api/v1/watchlist');
    } catch {
      return;   // offline or an older server: keep the cached list
    }
    if (key !== userKey) return;   // signed out or switched users meanwhile
    const stored = Array.isArray(data && data.symbols) ? data.symbols.filter((s) => typeof s === 'string' && SYMBOL.test(s)) : [];
    if (stored.length === 0 && symbols.length > 0) return save();
    symbols = stored.slice(0, MAX_SYMBOLS);
    localStorage.setItem(key, JSON.stringify(symbols));
    render();
  }

  function applyToRows() {
    const filtering = symbols.length > 0;
    for (const row of $('prices-body').children) {
      row.dataset.unwatched = String(filtering && !symbols.includes(row.dataset.symbol));
    }
  }

  function render() {
    $('watchlist').replaceChildren(...symbols.map((symbol) => {
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '×';
      remove.setAttribute('aria-label', `Remove ${symbol} from the watchlist`);
      remove.addEventListener('click', () => {
        symbols = symbols.filter((s) => s !== symbol);
        save();
        render();
        $('watchlist-symbol').focus();
      });
      const item = document.createElement('li');
      item.dataset.testid = 'watchlist-item';
      item.dataset.symbol = symbol;
      item.append(document.createTextNode(symbol), remove);
      return item;
    }));
    applyToRows();
  }

  function add(event) {
    event.preventDefault();
    const input = $('watchlist-symbol');
    const symbol = input.value.trim().toUpperCase();
    const valid = SYMBOL.test(symbol);
    input.setAttribute('aria-invalid', String(!valid && symbol !== ''));
    if (!valid) return;
    if (!symbols.includes(symbol) && symbols.length < MAX_SYMBOLS) symbols.push(symbol);
    input.value = '';
    save();
    render();
  }

  function onSignedIn() {
    const session = window.bellwetherSession;
    if (!session) return;
    key = `bellwether.watchlist.${session.user.name}`;
    load();
    render();
    syncFromServer(session, key);
  }

  function onSignedOut() {
    key = null;
    symbols = [];
    render();
  }

  $('watchlist-form').addEventListener('submit', add);
  // app.js adds a row the first time a symbol is quoted.
  new MutationObserver(applyToRows).observe($('prices-body'), { childList: true });
  window.addEventListener('bellwether:signed-in', onSignedIn);
  window.addEventListener('bellwether:signed-out', onSignedOut);
  if (window.bellwetherSession) onSignedIn();
})();
