// Specification of the dashboard's condition table (web/ui/conditions.js),
// without a browser: every condition type the API documents has a form entry
// whose inputs are fields of the API's Condition, and alerts are described
// and drawn from the table. Run with `node --test conditions.test.mjs`.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const UI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'ui');

async function loadConditions() {
  const sandbox = { window: {}, Intl };
  vm.runInNewContext(await readFile(path.join(UI, 'conditions.js'), 'utf8'), sandbox);
  return sandbox.window.bellwetherConditions;
}

const openapi = JSON.parse(await readFile(path.join(UI, 'openapi.json'), 'utf8'));
const schema = openapi.components.schemas.Condition;
const conditions = await loadConditions();

test('the form offers exactly the condition types the API documents', () => {
  assert.deepEqual([...conditions.CONDITION_TYPES.map((c) => c.type)].sort(), [...schema.properties.type.enum].sort());
});

test('every input of every type is a field of the API\'s Condition, with a label and a known kind', () => {
  for (const entry of conditions.CONDITION_TYPES) {
    if (entry.compound) continue;
    assert.ok(entry.inputs.length > 0, entry.type);
    for (const input of entry.inputs) {
      assert.ok(schema.properties[input.key], `${entry.type}.${input.key} is in the Condition schema`);
      assert.ok(input.label, `${entry.type}.${input.key} has a label`);
      assert.ok(conditions.INPUT_KINDS[input.kind], `${entry.type}.${input.key} kind ${input.kind}`);
    }
    for (const key of entry.describe.match(/\{(\w+)\}/g) || []) {
      assert.ok(entry.inputs.some((i) => `{${i.key}}` === key), `${entry.type} describes ${key}`);
    }
  }
});

test('alerts are described from the table', () => {
  assert.equal(conditions.describe({ type: 'crossing_up', price: 150 }), 'Crosses up 150.00');
  assert.equal(conditions.describe({ type: 'entering_channel', lower: 400, upper: 420 }), 'Enters 400.00–420.00');
  assert.equal(conditions.describe({ type: 'moving_down_pct', percent: 1.5, window: '30s' }), 'Falls 1.5% within 30s');
  assert.equal(conditions.describe({ type: 'day_change_pct_above', percent: 2 }), 'Day change above +2%');
  assert.equal(conditions.describe({ type: 'day_change_pct_below', percent: -3 }), 'Day change below -3%');
  assert.equal(conditions.describe({ type: 'volume_above', volume: 1500000 }), 'Volume above 1,500,000');
  assert.equal(conditions.describe({ type: 'spread_above_bps', bps: 10 }), 'Spread above 10 bps');
  assert.equal(conditions.describe({
    type: 'any_of', conditions: [{ type: 'below', price: 140 }, { type: 'all_of', conditions: [{ type: 'above', price: 150 }] }],
  }), 'Any of (Below 140.00; All of (Above 150.00))');
  assert.equal(conditions.describe({ type: 'rsi_above', interval: '5m', period: 14, value: 70 }), 'RSI above 70 (14 × 5m)');
  assert.equal(conditions.describe({ type: 'sma_crossing_up', interval: '1d', period: 50 }), 'Crosses up SMA 50 × 1d');
  assert.equal(conditions.describe({ type: 'volume_spike', factor: 3, window: '5m', baseline: '1h' }), 'Volume spike 3× in 5m vs 1h');
  assert.equal(conditions.describe({ type: 'stochastic_above', value: 80 }), 'stochastic_above', 'an unknown type is named, not guessed');
});

test('the chart draws the price lines of a condition and of its terms', () => {
  assert.deepEqual([...conditions.levels({ type: 'above', price: 150 })], [150]);
  assert.deepEqual([...conditions.levels({ type: 'inside_channel', lower: 1, upper: 2 })], [1, 2]);
  assert.deepEqual([...conditions.levels({ type: 'moving_up', amount: 2, window: '1m' })], []);
  assert.deepEqual([...conditions.levels({ type: 'all_of', conditions: [{ type: 'above', price: 150 }, { type: 'volume_above', volume: 5 }] })], [150]);
});

test('only conditions the form can show in full are editable', () => {
  assert.equal(conditions.editable({ type: 'all_of', conditions: [{ type: 'above', price: 1 }] }), true);
  assert.equal(conditions.editable({ type: 'all_of', conditions: [{ type: 'rsi_above', interval: '5m', period: 14, value: 70 }] }), true);
  assert.equal(conditions.editable({ type: 'all_of', conditions: [{ type: 'stochastic_above', value: 70 }] }), false);
  assert.equal(conditions.editable({ type: 'stochastic_above' }), false);
  assert.equal(conditions.editable(null), false);
});
