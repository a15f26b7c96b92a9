// Bellwether dashboard, symbol view: a candlestick chart (TradingView
// Lightweight Charts, web/ui/lightweight-charts.js) of one symbol's recent bars
// from GET /api/v1/quotes/{symbol}/bars, kept live from the stream's quote
// events, with the user's alert thresholds drawn as price lines. Clicking the
// chart offers "Alert at <price>" (and fills the alert form with it, the
// keyboard route to the same thing).
//
// Follows app.js through its events: bellwether:signed-in / signed-out,
// bellwether:quote (a live quote), bellwether:alerts (the alert list),
// bellwether:chart (a symbol to show) and bellwether:stream-reopened (reload
// the bars: ticks were missed while the stream was down).
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const SYMBOL = /^[A-Z0-9.\-/]{1,15}$/;   // the server's symbol rule (docs/API.md)
  const INTERVAL_SECONDS = { '5s': 5, '15s': 15, '1m': 60, '5m': 300, '15m': 900, '1h': 3600 };
  const BAR_LIMIT = 300;
  const AUTOSCALE_REACH = 0.1;   // thresholds within 10% of the last close stay in view

  let session = null;
  let chart = null;            // the Lightweight Charts instance, made on first use
  let series = null;           // its candlestick series
  let symbol = '';
  let interval = '1m';
  let bars = [];               // what the series shows, oldest first
  let alerts = [];
  let lines = [];              // price lines drawn for alerts
  let levels = [];             // their prices, for the price scale
  let pendingPrice = null;     // the price the user clicked
  let loadGeneration = 0;      // a newer load makes older answers stale

  const app = () => window.bellwetherApp;
  const storageKey = () => (session ? `bellwether.chart.${session.user.name}` : null);

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function themeOptions() {
    return {
      layout: { background: { type: 'solid', color: css('--surface') }, textColor: css('--text-muted'), attributionLogo: true },
      grid: { vertLines: { color: css('--border') }, horzLines: { color: css('--border') } },
      rightPriceScale: { borderColor: css('--border-strong') },
      timeScale: { borderColor: css('--border-strong'), timeVisible: true, secondsVisible: true },
    };
  }

  function ensureChart() {
    if (chart) return true;
    if (!window.LightweightCharts) {
      showError('The chart library did not load.');
      return false;
    }
    const { createChart, CandlestickSeries } = window.LightweightCharts;
    chart = createChart($('chart'), { autoSize: true, ...themeOptions() });
    series = chart.addSeries(CandlestickSeries, {
      upColor: css('--up'), downColor: css('--down'), borderVisible: false,
      wickUpColor: css('--up'), wickDownColor: css('--down'),
      autoscaleInfoProvider: withAlertLevels,
    });
    chart.subscribeClick(onChartClick);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);
    return true;
  }

  // The price scale also takes in the thresholds drawn, so an alert line near
  // the candles is on screen; one further than AUTOSCALE_REACH from the last
  // close is left off rather than squash the candles flat.
  function withAlertLevels(original) {
    const info = original();
    if (!info || !info.priceRange || !bars.length) return info;
    const last = bars[bars.length - 1].close;
    let { minValue, maxValue } = info.priceRange;
    for (const level of levels) {
      if (Math.abs(level - last) > last * AUTOSCALE_REACH) continue;
      minValue = Math.min(minValue, level);
      maxValue = Math.max(maxValue, level);
    }
    return { ...info, priceRange: { minValue, maxValue } };
  }

  function applyTheme() {
    if (!chart) return;
    chart.applyOptions(themeOptions());
    series.applyOptions({ upColor: css('--up'), downColor: css('--down'), wickUpColor: css('--up'), wickDownColor: css('--down') });
    drawLines();
  }

  function showError(message) {
    $('chart-error').textContent = message || '';
    $('chart-error').hidden = !message;
  }

  function renderMeta() {
    const node = $('chart');
    node.dataset.bars = String(bars.length);
    node.dataset.symbol = symbol;
    node.dataset.interval = interval;
    node.dataset.lastClose = bars.length ? String(bars[bars.length - 1].close) : '';
    node.dataset.firstTime = bars.length ? String(bars[0].time) : '';
    node.setAttribute('aria-label', symbol ? `Candlestick chart of ${symbol}, ${interval} bars, ${bars.length} shown` : 'Candlestick chart');
    $('chart-symbol-name').textContent = symbol;
    $('chart-empty').hidden = Boolean(symbol) && bars.length > 0;
    $('chart-empty').textContent = symbol ? `No trades of ${symbol} in the server's recent history yet; live ticks will draw here.`
      : 'Pick a ticker, or a row in the prices table, to chart it.';
  }

  // merge: keep the bars this page already has from before the server's
  // oldest one (after a server restart its in-memory history starts empty).
  async function load({ merge = false } = {}) {
    const generation = ++loadGeneration;
    showError('');
    if (!session || !symbol) { bars = []; renderMeta(); return; }
    if (!ensureChart()) return;
    let data;
    try {
      data = await session.api('GET', `/api/v1/quotes/${encodeURIComponent(symbol)}/bars?interval=${interval}&limit=${BAR_LIMIT}`);
    } catch (err) {
      if (generation !== loadGeneration) return;
      if (app().handleAuthFailure(err)) return;
      showError(`Could not load ${symbol}: ${err.detail || err.message}`);
      return;
    }
    if (generation !== loadGeneration) return;
    const fresh = (Array.isArray(data && data.items) ? data.items : []).map((b) => ({
      time: Number(b.time), open: Number(b.open), high: Number(b.high), low: Number(b.low), close: Number(b.close),
    }));
    const oldest = fresh.length ? fresh[0].time : Infinity;
    bars = merge ? bars.filter((b) => b.time < oldest).concat(fresh) : fresh;
    series.setData(bars);
    chart.timeScale().fitContent();
    drawLines();
    renderMeta();
  }

  // A live quote: into the current bar, or a new bar when its period began.
  function onQuote(event) {
    const quote = event.detail;
    if (!series || !quote || quote.symbol !== symbol) return;
    const price = Number(quote.price);
    const ms = Date.parse(quote.ts);
    if (!Number.isFinite(price) || !Number.isFinite(ms)) return;
    const width = INTERVAL_SECONDS[interval];
    const time = Math.floor(ms / 1000 / width) * width;
    const last = bars[bars.length - 1];
    // The series only takes updates at or after its last bar; an older quote
    // is already part of the server's bars.
    if (last && time < last.time) return;
    let bar;
    if (last && time === last.time) {
      bar = { ...last, high: Math.max(last.high, price), low: Math.min(last.low, price), close: price };
      bars[bars.length - 1] = bar;
    } else {
      bar = { time, open: price, high: price, low: price, close: price };
      bars.push(bar);
    }
    series.update(bar);
    renderMeta();
  }

  function drawLines() {
    if (!series) return;
    for (const line of lines) series.removePriceLine(line);
    lines = [];
    levels = [];
    const mine = alerts.filter((a) => a.symbol === symbol && a.state !== 'expired');
    const items = [];
    for (const alert of mine) {
      const paused = alert.state === 'paused';
      const color = paused ? css('--text-muted') : alert.state === 'triggered' ? css('--badge-triggered-text') : css('--accent');
      const title = app().describeCondition(alert.condition).replace(/\s[\d.,–]+$/, '');
      for (const level of app().conditionLevels(alert.condition)) {
        const price = Number(level);
        if (!Number.isFinite(price)) continue;
        levels.push(price);
        lines.push(series.createPriceLine({
          price, color, lineWidth: 1, lineStyle: paused ? 3 : 2, axisLabelVisible: true, title: alert.name || title,
        }));
      }
      items.push(Object.assign(document.createElement('li'), {
        textContent: `${app().describeCondition(alert.condition)} · ${alert.state}${alert.name ? ` · ${alert.name}` : ''}`,
      }));
      items[items.length - 1].dataset.testid = 'chart-line';
      items[items.length - 1].dataset.alertId = alert.id;
    }
    $('chart-lines').replaceChildren(...items);
    $('chart').dataset.lines = String(lines.length);
  }

  function roundPrice(price) {
    const digits = price >= 1 ? 2 : 4;
    return Number(price.toFixed(digits));
  }

  function onChartClick(param) {
    if (!param || !param.point || !symbol) return;
    const raw = series.coordinateToPrice(param.point.y);
    if (raw === null || !Number.isFinite(raw) || raw <= 0) return;
    pendingPrice = roundPrice(raw);
    const button = $('chart-alert');
    button.textContent = `Alert at ${app().formatPrice(pendingPrice)}`;
    button.dataset.price = String(pendingPrice);
    button.hidden = false;
    app().prefillAlert(symbol, pendingPrice);
  }

  async function createFromChart() {
    if (pendingPrice === null || !symbol) return;
    const last = app().lastPrice(symbol) ?? (bars.length ? bars[bars.length - 1].close : null);
    const type = last !== null && last > pendingPrice ? 'crossing_down' : 'crossing_up';
    const button = $('chart-alert');
    button.disabled = true;
    try {
      await app().createAlert({ symbol, condition: { type, price: pendingPrice }, trigger: { mode: 'once' } });
      $('chart-hint').textContent = `Alert set: ${symbol} ${type === 'crossing_up' ? 'crosses up' : 'crosses down'} ${app().formatPrice(pendingPrice)}.`;
      button.hidden = true;
      pendingPrice = null;
      showError('');
    } catch (err) {
      if (app().handleAuthFailure(err)) return;
      showError(err.detail || err.message);
    } finally {
      button.disabled = false;
    }
  }

  function show(next) {
    const wanted = String(next || '').trim().toUpperCase();
    const input = $('chart-ticker');
    const valid = SYMBOL.test(wanted);
    input.setAttribute('aria-invalid', String(!valid && wanted !== ''));
    if (!valid) {
      if (wanted) showError(`${wanted}: not a ticker (letters, digits, '.', '-', '/'; at most 15)`);
      return;
    }
    symbol = wanted;
    input.value = symbol;
    pendingPrice = null;
    $('chart-alert').hidden = true;
    const key = storageKey();
    if (key) localStorage.setItem(key, symbol);
    load();
  }

  function onSignedIn() {
    session = window.bellwetherSession;
    if (!session) return;
    const saved = localStorage.getItem(storageKey()) || '';
    symbol = SYMBOL.test(saved) ? saved : '';
    $('chart-ticker').value = symbol;
    load();
  }

  function onSignedOut() {
    session = null;
    symbol = '';
    bars = [];
    alerts = [];
    pendingPrice = null;
    loadGeneration += 1;
    if (series) { series.setData([]); drawLines(); }
    $('chart-ticker').value = '';
    $('chart-alert').hidden = true;
    $('chart-hint').textContent = 'Click the chart to set an alert at that price.';
    showError('');
    renderMeta();
  }

  $('chart-form').addEventListener('submit', (event) => {
    event.preventDefault();
    interval = $('chart-interval').value;
    show($('chart-ticker').value);
  });
  $('chart-interval').addEventListener('change', () => {
    interval = $('chart-interval').value;
    if (symbol) load();
  });
  $('chart-alert').addEventListener('click', createFromChart);
  window.addEventListener('bellwether:chart', (event) => {
    show(event.detail.symbol);
    $('chart-card').scrollIntoView({ block: 'nearest' });
  });
  window.addEventListener('bellwether:quote', onQuote);
  window.addEventListener('bellwether:stream-reopened', () => { if (symbol) load({ merge: true }); });
  window.addEventListener('bellwether:alerts', (event) => { alerts = event.detail.alerts || []; drawLines(); });
  window.addEventListener('bellwether:signed-in', onSignedIn);
  window.addEventListener('bellwether:signed-out', onSignedOut);
  renderMeta();
  if (window.bellwetherSession) onSignedIn();
})();
