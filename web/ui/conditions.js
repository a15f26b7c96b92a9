// Bellwether dashboard, alert conditions: the table of every condition type the
// engine accepts (docs/RULES.md, docs/API.md "Alert"), and a form editor built
// from it. app.js uses the editor for the alert form; chart.js and history.js
// describe alerts through app.js, which calls describe() and levels() here.
//
// A condition type is one entry of CONDITION_TYPES: its inputs (JSON key,
// label, kind, help text) are all the editor, the encoder, the decoder and the
// description need. Adding a type the server learned is one entry; a new kind
// of input is one entry of INPUT_KINDS. For example, an indicator type would be
//   { type: 'rsi_above', label: 'RSI above', short: 'RSI above', group: 'Indicators',
//     inputs: [{ key: 'interval', label: 'Candles', kind: 'choice', options: ['1m', '5m'] },
//              { key: 'period', label: 'Period', kind: 'integer' },
//              { key: 'value', label: 'RSI', kind: 'number' }],
//     describe: '{value} ({period} × {interval})' },
// Server strings reach the DOM only as text.
'use strict';

window.bellwetherConditions = (() => {
  // Mirrors of the server's bounds (rules/condition_spec.hpp), so the editor
  // does not offer what the server would refuse anyway.
  const MAX_DEPTH = 3;    // a compound holds leaves, or compounds of leaves
  const MAX_TERMS = 16;   // conditions in one all_of / any_of

  const priceFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
  const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });
  const signedFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8, signDisplay: 'exceptZero' });
  const formatWith = (format) => (v) => (Number.isFinite(Number(v)) && v !== null && v !== '' ? format.format(Number(v)) : '—');

  // A number input's text -> JSON: empty is null, a number a number, anything
  // else the text itself, so the server's message names what is wrong with it.
  function numberOrText(text) {
    const trimmed = String(text ?? '').trim();
    if (trimmed === '') return null;
    const n = Number(trimmed);
    return Number.isFinite(n) ? n : trimmed;
  }

  // How each kind of input looks (attributes of its <input>), is encoded into
  // the JSON, read back from it, and shown in a description.
  const INPUT_KINDS = {
    price: { attrs: { type: 'number', step: 'any', inputmode: 'decimal' }, encode: numberOrText, format: formatWith(priceFormat) },
    number: { attrs: { type: 'number', step: 'any', inputmode: 'decimal' }, encode: numberOrText, format: formatWith(numberFormat) },
    integer: { attrs: { type: 'number', step: '1', min: '1', inputmode: 'numeric' }, encode: numberOrText, format: formatWith(numberFormat) },
    percent: { attrs: { type: 'number', step: 'any', inputmode: 'decimal' }, encode: numberOrText, format: (v) => `${formatWith(numberFormat)(v)}%` },
    signed_percent: { attrs: { type: 'number', step: 'any', inputmode: 'decimal' }, encode: numberOrText, format: (v) => `${formatWith(signedFormat)(v)}%` },
    duration: {
      attrs: { type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' },
      encode: (text) => { const t = String(text ?? '').trim(); return t === '' ? null : t; },
      format: (v) => String(v ?? '—'),
    },
    // One of the input's `options` ([value, label] pairs or plain values), as a <select>.
    choice: { control: 'select', encode: (v) => (v === '' || v === undefined ? null : v), format: (v) => String(v ?? '—') },
  };

  // An input: {key (its JSON field), label, kind (INPUT_KINDS), help?, placeholder?,
  // options? (for `choice`), level? (a price the chart draws as a line)}.
  // Inputs shared by several types. `level: true` marks a price the chart
  // draws as a line.
  const PRICE = { key: 'price', label: 'Price', kind: 'price', placeholder: '150.00', level: true };
  const LOWER = { key: 'lower', label: 'Lower bound', kind: 'price', placeholder: '140.00', level: true };
  const UPPER = { key: 'upper', label: 'Upper bound', kind: 'price', placeholder: '160.00', level: true };
  const AMOUNT = { key: 'amount', label: 'Move of', kind: 'price', placeholder: '2.00', help: 'In price units, measured within the window.' };
  const MOVE_PERCENT = { key: 'percent', label: 'Move of (%)', kind: 'percent', placeholder: '2', help: 'Percent, measured within the window (at most 100 for a fall).' };
  const WINDOW = { key: 'window', label: 'Within', kind: 'duration', placeholder: '5m', help: 'A window like 30s, 5m or 1h, at most 1d.' };
  const DAY_PERCENT = { key: 'percent', label: 'Day change (%)', kind: 'signed_percent', placeholder: '2', help: 'Signed, against the previous close: 2 or -1.5.' };
  const VOLUME = { key: 'volume', label: 'Day volume', kind: 'integer', placeholder: '1000000', help: 'The day\'s cumulative volume, a whole number.' };
  const BPS = { key: 'bps', label: 'Spread (bps)', kind: 'number', placeholder: '10', help: 'Basis points of the mid (10 = 0.1%); needs quotes with bid and ask.' };
  const FACTOR = { key: 'factor', label: 'Volume factor', kind: 'number', placeholder: '3', help: 'Fires when the window\'s volume is at least this many times the average window volume over the baseline (above 1).' };
  const SPIKE_WINDOW = { key: 'window', label: 'Window', kind: 'duration', placeholder: '5m', help: 'A window like 1m or 5m, aligned to event time.' };
  const BASELINE = { key: 'baseline', label: 'Baseline', kind: 'duration', placeholder: '1h', help: 'The period before the window to average over: a whole multiple (2 to 1000) of the window.' };
  const BAR_INTERVAL = { key: 'interval', label: 'Candles', kind: 'choice', options: ['1m', '2m', '3m', '5m', '10m', '15m', '30m', '1h', '2h', '4h', '1d'], help: 'Bars built from ticks; 1d is the New York session day.' };
  const PERIOD = { key: 'period', label: 'Period', kind: 'integer', placeholder: '20', help: 'Bars in the average, 2 to 500.' };
  const RSI_VALUE = { key: 'value', label: 'RSI level', kind: 'number', placeholder: '70', help: 'Between 0 and 100; judged when a bar closes.' };

  // Every condition the engine supports. `short` and `describe` make the
  // alert list's text ("{key}" is the input's formatted value); `rearm` says
  // whether trigger.rearm is allowed with it (line conditions only).
  const line = (type, label, short, extra = {}) => ({ type, label, short, group: 'Price line', inputs: [PRICE], describe: '{price}', rearm: true, ...extra });
  const band = (type, label, short) => ({ type, label, short, group: 'Channel', inputs: [LOWER, UPPER], describe: '{lower}–{upper}' });
  const CONDITION_TYPES = [
    line('above', 'Price above', 'Above'),
    line('below', 'Price below', 'Below'),
    line('crossing', 'Crosses (either way)', 'Crosses'),
    line('crossing_up', 'Crosses up', 'Crosses up', { default: true }),
    line('crossing_down', 'Crosses down', 'Crosses down'),
    band('entering_channel', 'Enters a channel', 'Enters'),
    band('exiting_channel', 'Exits a channel', 'Exits'),
    band('inside_channel', 'Inside a channel', 'Inside'),
    band('outside_channel', 'Outside a channel', 'Outside'),
    { type: 'moving_up', label: 'Rises by an amount within a window', short: 'Rises', group: 'Window move', inputs: [AMOUNT, WINDOW], describe: '{amount} within {window}' },
    { type: 'moving_down', label: 'Falls by an amount within a window', short: 'Falls', group: 'Window move', inputs: [AMOUNT, WINDOW], describe: '{amount} within {window}' },
    { type: 'moving_up_pct', label: 'Rises by a percent within a window', short: 'Rises', group: 'Window move', inputs: [MOVE_PERCENT, WINDOW], describe: '{percent} within {window}' },
    { type: 'moving_down_pct', label: 'Falls by a percent within a window', short: 'Falls', group: 'Window move', inputs: [MOVE_PERCENT, WINDOW], describe: '{percent} within {window}' },
    { type: 'day_change_pct_above', label: 'Day change above a percent', short: 'Day change above', group: 'Day and book', inputs: [DAY_PERCENT], describe: '{percent}' },
    { type: 'day_change_pct_below', label: 'Day change below a percent', short: 'Day change below', group: 'Day and book', inputs: [DAY_PERCENT], describe: '{percent}' },
    { type: 'volume_above', label: 'Day volume above', short: 'Volume above', group: 'Day and book', inputs: [VOLUME], describe: '{volume}' },
    { type: 'spread_above_bps', label: 'Spread wider than', short: 'Spread above', group: 'Day and book', inputs: [BPS], describe: '{bps} bps' },
    { type: 'volume_spike', label: 'Volume spike', short: 'Volume spike', group: 'Day and book', inputs: [FACTOR, SPIKE_WINDOW, BASELINE], describe: '{factor}× in {window} vs {baseline}' },
    { type: 'sma_crossing_up', label: 'Crosses up its simple moving average', short: 'Crosses up SMA', group: 'Indicators', inputs: [BAR_INTERVAL, PERIOD], describe: '{period} × {interval}' },
    { type: 'sma_crossing_down', label: 'Crosses down its simple moving average', short: 'Crosses down SMA', group: 'Indicators', inputs: [BAR_INTERVAL, PERIOD], describe: '{period} × {interval}' },
    { type: 'ema_crossing_up', label: 'Crosses up its exponential moving average', short: 'Crosses up EMA', group: 'Indicators', inputs: [BAR_INTERVAL, PERIOD], describe: '{period} × {interval}' },
    { type: 'ema_crossing_down', label: 'Crosses down its exponential moving average', short: 'Crosses down EMA', group: 'Indicators', inputs: [BAR_INTERVAL, PERIOD], describe: '{period} × {interval}' },
    { type: 'rsi_above', label: 'RSI above a level', short: 'RSI above', group: 'Indicators', inputs: [BAR_INTERVAL, PERIOD, RSI_VALUE], describe: '{value} ({period} × {interval})' },
    { type: 'rsi_below', label: 'RSI below a level', short: 'RSI below', group: 'Indicators', inputs: [BAR_INTERVAL, PERIOD, RSI_VALUE], describe: '{value} ({period} × {interval})' },
    { type: 'all_of', label: 'All of several conditions', short: 'All of', group: 'Compound', compound: true, legend: 'Every one of these conditions holds (same symbol)' },
    { type: 'any_of', label: 'Any of several conditions', short: 'Any of', group: 'Compound', compound: true, legend: 'At least one of these conditions holds (same symbol)' },
  ];
  const DEFAULT_TERM_TYPE = 'above';

  const info = (type) => CONDITION_TYPES.find((c) => c.type === type) || null;
  const kindOf = (input) => INPUT_KINDS[input.kind] || INPUT_KINDS.number;

  // "Crosses up 150.00", "Rises 2% within 15m", "All of (Above 150.00; …)".
  function describe(condition) {
    if (!condition) return '';
    const entry = info(condition.type);
    if (!entry) return String(condition.type);
    if (entry.compound) {
      const terms = Array.isArray(condition.conditions) ? condition.conditions : [];
      return `${entry.short} (${terms.map(describe).join('; ')})`;
    }
    const text = entry.describe.replace(/\{(\w+)\}/g, (_, key) => {
      const input = entry.inputs.find((i) => i.key === key);
      return input ? kindOf(input).format(condition[key]) : '';
    });
    return `${entry.short} ${text}`;
  }

  // The price lines of a condition (its own and its terms'), for the chart.
  function levels(condition) {
    const entry = condition ? info(condition.type) : null;
    if (!entry) return [];
    if (entry.compound) return (condition.conditions || []).flatMap(levels);
    return entry.inputs.filter((i) => i.level).map((i) => Number(condition[i.key])).filter(Number.isFinite);
  }

  // Whether the editor can show every part of a condition (a type this page
  // does not know would be lost on save, so such alerts are not edited here).
  function editable(condition) {
    const entry = condition ? info(condition.type) : null;
    if (!entry) return false;
    return !entry.compound || (Array.isArray(condition.conditions) && condition.conditions.every(editable));
  }

  // ---------------------------------------------------------------------------
  // The editor

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'className' || key === 'textContent') node[key] = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function fillTypeOptions(select, depth) {
    const offered = CONDITION_TYPES.filter((c) => !c.compound || depth < MAX_DEPTH);
    const groups = new Map();
    for (const c of offered) {
      if (!groups.has(c.group)) groups.set(c.group, el('optgroup', { label: c.group }));
      groups.get(c.group).append(el('option', { value: c.type }, c.label));
    }
    select.replaceChildren(...groups.values());
  }

  // One condition's editor. `select` picks its type; its inputs (or, for a
  // compound, its list of terms) are drawn into `host`. Placement:
  //   idPrefix: prefix of every element id ("alert" -> #alert-price)
  //   path: the JSON path the server's errors use ("condition.conditions[0]")
  //   labelPrefix: words before each label for screen readers ("Condition 1")
  //   depth: 1 for the alert's condition, 2 for its terms, …
  // onChange() runs after the type changes (app.js shows the rearm field).
  class ConditionEditor {
    constructor({ select, host, idPrefix, path, labelPrefix = '', depth = 1, onChange = () => {} }) {
      Object.assign(this, { select, host, idPrefix, path, labelPrefix, depth, onChange });
      this.values = {};      // input key -> the text in its input (kept across type changes)
      this.terms = [];       // child editors of a compound
      this.targets = [];     // {path, control, error} for the server's error paths
      fillTypeOptions(select, depth);
      select.addEventListener('change', () => { this.render(); this.onChange(); });
    }

    get type() { return this.select.value; }
    get info() { return info(this.type); }

    setType(type) {
      this.select.value = info(type) ? type : (CONDITION_TYPES.find((c) => c.default) || CONDITION_TYPES[0]).type;
      this.render();
    }

    // Back to the default type with empty inputs.
    reset(type) {
      this.values = {};
      this.terms = [];
      this.setType(type);
    }

    setValue(key, value) {
      this.values[key] = value === null || value === undefined ? '' : String(value);
      const control = document.getElementById(`${this.idPrefix}-${key}`);
      if (control) control.value = this.values[key];
    }

    // Fills the editor from a condition as the API returns it.
    load(condition) {
      this.values = {};
      this.terms = [];
      const entry = info(condition && condition.type);
      if (entry && entry.compound) {
        for (const term of condition.conditions || []) this.addTerm(term, false);
      } else if (entry) {
        for (const input of entry.inputs) this.values[input.key] = condition[input.key] ?? '';
      }
      this.setType(condition && condition.type);
    }

    // The condition as the API takes it.
    read() {
      const entry = this.info;
      if (!entry) return { type: this.type };
      if (entry.compound) return { type: this.type, conditions: this.terms.map((t) => t.read()) };
      const condition = { type: this.type };
      for (const input of entry.inputs) condition[input.key] = kindOf(input).encode(this.values[input.key]);
      return condition;
    }

    render() {
      this.targets = [{ path: `${this.path}.type`, control: this.select }, { path: this.path, control: this.select }];
      const entry = this.info;
      if (!entry) { this.host.replaceChildren(); return; }
      if (entry.compound) {
        if (this.terms.length === 0) { this.addTerm(null, false); this.addTerm(null, false); }
        this.host.replaceChildren(this.renderTerms(entry));
        return;
      }
      this.host.replaceChildren(...entry.inputs.map((input) => this.renderInput(input)));
    }

    renderInput(input) {
      const id = `${this.idPrefix}-${input.key}`;
      const path = `${this.path}.${input.key}`;
      const help = input.help ? el('p', { className: 'field-help', id: `${id}-help` }, input.help) : null;
      const error = el('p', { className: 'field-error field-inline-error', id: `${id}-error`, hidden: true });
      const kind = kindOf(input);
      const control = el(kind.control || 'input', {
        ...kind.attrs, id, name: input.key, placeholder: input.placeholder,
        'aria-describedby': help ? help.id : null, dataset: { testid: id, path },
      });
      for (const option of input.options || []) {
        const [value, text] = Array.isArray(option) ? option : [option, option];
        control.append(el('option', { value }, text));
      }
      if (this.values[input.key] === undefined && input.options) this.values[input.key] = control.value;
      control.value = this.values[input.key] ?? '';
      const remember = () => { this.values[input.key] = control.value; };
      control.addEventListener('input', remember);
      control.addEventListener('change', remember);
      this.targets.push({ path, control, error, help });
      const label = el('label', { for: id },
        this.labelPrefix ? el('span', { className: 'visually-hidden' }, `${this.labelPrefix} `) : null, input.label);
      return el('div', { className: 'field condition-input', dataset: { key: input.key } }, label, control, help, error);
    }

    addTerm(condition, focus = true) {
      const row = el('li', { className: 'condition-term' });
      const select = el('select', {});
      const host = el('div', { className: 'condition-term-inputs' });
      const term = new ConditionEditor({ select, host, idPrefix: '', path: '', depth: this.depth + 1, onChange: () => {} });
      term.row = row;
      if (condition) term.load(condition);
      else term.select.value = DEFAULT_TERM_TYPE;
      this.terms.push(term);
      if (focus) {
        this.render();
        term.select.focus();
      }
      return term;
    }

    removeTerm(term) {
      const at = this.terms.indexOf(term);
      this.terms.splice(at, 1);
      this.render();
      const next = this.terms[Math.min(at, this.terms.length - 1)];
      (next ? next.select : this.host.querySelector('.condition-add')).focus();
    }

    // The compound's terms: each a type and its inputs, with a remove button;
    // an add button under them. Ids and paths follow the terms' positions.
    renderTerms(entry) {
      const legendId = `${this.idPrefix}-terms-legend`;
      const legend = entry.legend || entry.label;
      const list = el('ol', { className: 'condition-terms', dataset: { testid: `${this.idPrefix}-terms` } });
      this.terms.forEach((term, i) => {
        const number = i + 1;
        const words = `${this.labelPrefix ? `${this.labelPrefix}, ` : ''}condition ${number}`.replace(/^c/, 'C');
        Object.assign(term, { idPrefix: `${this.idPrefix}-c${i}`, path: `${this.path}.conditions[${i}]`, labelPrefix: words });
        term.select.id = `${term.idPrefix}-type`;
        term.select.dataset.testid = `${term.idPrefix}-type`;
        term.select.dataset.path = `${term.path}.type`;
        const remove = el('button', {
          type: 'button', className: 'btn btn-ghost btn-small condition-remove',
          'aria-label': `Remove ${words.charAt(0).toLowerCase()}${words.slice(1)}`, dataset: { testid: `${term.idPrefix}-remove` },
          disabled: this.terms.length <= 1,
        }, 'Remove');
        remove.addEventListener('click', () => this.removeTerm(term));
        term.render();
        const head = el('div', { className: 'condition-term-head' },
          el('label', { for: term.select.id }, `${words} type`), el('div', { className: 'input-pair' }, term.select, remove));
        term.row.replaceChildren(head, term.host);
        list.append(term.row);
      });
      const add = el('button', {
        type: 'button', className: 'btn btn-ghost btn-small condition-add', dataset: { testid: `${this.idPrefix}-add-term` },
        disabled: this.terms.length >= MAX_TERMS,
      }, 'Add condition');
      add.addEventListener('click', () => this.addTerm(null, true));
      const error = el('p', { className: 'field-error field-inline-error', id: `${this.idPrefix}-terms-error`, hidden: true });
      const box = el('fieldset', { className: 'field field-wide condition-compound', 'aria-labelledby': legendId, dataset: { path: `${this.path}.conditions` } },
        el('legend', { id: legendId }, this.labelPrefix ? `${this.labelPrefix}: ${legend.toLowerCase()}` : legend),
        list, el('div', { className: 'condition-compound-actions' }, add), error);
      this.targets.push({ path: `${this.path}.conditions`, control: add, error });
      return box;
    }

    // Every error target of this editor and its terms.
    allTargets() {
      return this.targets.concat(this.info && this.info.compound ? this.terms.flatMap((t) => t.allTargets()) : []);
    }

    clearErrors() {
      for (const target of this.allTargets()) {
        target.control.setAttribute('aria-invalid', 'false');
        if (target.error) {
          target.error.hidden = true;
          target.error.textContent = '';
          target.control.setAttribute('aria-describedby', target.help ? target.help.id : '');
          if (!target.help) target.control.removeAttribute('aria-describedby');
        }
      }
    }

    // Marks the input the server's error path names ("condition.conditions[1].window"),
    // or the nearest enclosing one, and shows the message under it. Returns
    // the control to focus, or null when the path is not about this condition.
    markError(path, message) {
      const targets = this.allTargets();
      let best = targets.find((t) => t.path === path);
      if (!best) {
        const enclosing = targets.filter((t) => path.startsWith(`${t.path}.`) || path.startsWith(`${t.path}[`));
        best = enclosing.sort((a, b) => b.path.length - a.path.length)[0];
      }
      if (!best) return null;
      best.control.setAttribute('aria-invalid', 'true');
      if (best.error) {
        best.error.textContent = message;
        best.error.hidden = false;
        best.control.setAttribute('aria-describedby', [best.help && best.help.id, best.error.id].filter(Boolean).join(' '));
      }
      return best.control;
    }
  }

  return { CONDITION_TYPES, INPUT_KINDS, info, describe, levels, editable, ConditionEditor };
})();
