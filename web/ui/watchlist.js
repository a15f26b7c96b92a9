// Bellwether dashboard, watchlist: the symbols a user follows, kept per user
// in localStorage. When the list has symbols, the live prices table shows only
// their rows (the others keep updating, hidden); an empty list shows all.
// Follows app.js through the bellwether:signed-in / signed-out events and
// watches the table for new rows, so app.js needs no knowledge of it.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const MAX_SYMBOLS = 100;
  const SYMBOL = /^[A-Z0-9.\-/]{1,15}$/;   // the server's symbol rule (docs/API.md)
  let key = null;                          // localStorage key of the signed-in user
  let symbols = [];

  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(key) || '[]');
      symbols = Array.isArray(saved) ? saved.filter((s) => typeof s === 'string' && SYMBOL.test(s)).slice(0, MAX_SYMBOLS) : [];
    } catch {
      symbols = [];   // unreadable: start empty rather than fail
    }
  }

  function save() {
    if (key) localStorage.setItem(key, JSON.stringify(symbols));
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
