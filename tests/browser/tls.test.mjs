// Browser test of the dashboard over TLS: the server speaks HTTPS on both
// listeners with a certificate from a throw-away CA (tests/support/make_test_ca.sh);
// headless Chromium trusts exactly that certificate (by its public key) and
// the page signs in with a password, opens its event stream on the other
// HTTPS port with the session cookie (CORS with credentials) and shows a
// pushed price. Run with `node --test tls.test.mjs`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from './harness.mjs';

const execFileAsync = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAKE_CA = path.resolve(HERE, '..', 'support', 'make_test_ca.sh');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

async function eventually(check, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

// Chromium's --ignore-certificate-errors-spki-list takes base64(SHA-256(SPKI)).
async function spkiHash(certFile) {
  const { stdout } = await execFileAsync('sh', ['-c',
    `openssl x509 -in "${certFile}" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`]);
  return stdout.trim();
}

describe('dashboard over TLS', () => {
  let tlsDir;
  let server;
  let browser;
  let page;
  const consoleErrors = [];

  before(async () => {
    tlsDir = await mkdtemp(path.join(os.tmpdir(), 'bellwether-browser-tls-'));
    await execFileAsync('sh', [MAKE_CA, tlsDir]);
    server = await startServer({ tlsDir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run',
        `--ignore-certificate-errors-spki-list=${await spkiHash(path.join(tlsDir, 'server.pem'))}`],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      // The first visit asks whether a session is still open: a 401 is expected.
      if (message.type() === 'error' && !/status of 401/.test(message.text())) {
        consoleErrors.push(`${message.text()} (${message.location().url || 'no url'})`);
      }
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.stack || error.message}`));
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      if (consoleErrors.length || process.exitCode) console.log(`# server log tail:\n${await server.logTail()}`);
      await server.dispose();
    }
    if (tlsDir) await rm(tlsDir, { recursive: true, force: true });
  });

  test('a password sign-in over HTTPS gets a Secure cookie and a live stream on the TLS stream port',
    { timeout: 60_000 }, async () => {
      assert.ok(server.baseUrl.startsWith('https://'));
      const made = await server.api('POST', '/api/v1/users', {
        token: server.tokens.ops, body: { name: 'dana', password: 'dana-initial-pw' },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));

      await page.goto(server.baseUrl + '/');
      await page.getByTestId('signin-view').waitFor();
      await page.getByLabel('User name', { exact: true }).fill('dana');
      await page.getByLabel('Password', { exact: true }).fill('dana-initial-pw');
      await page.keyboard.press('Enter');
      await page.getByTestId('password-view').waitFor();
      await page.getByTestId('new-password').fill('dana-own-password');
      await page.getByTestId('confirm-password').fill('dana-own-password');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByTestId('dashboard-view').waitFor();

      const cookies = await page.context().cookies(server.baseUrl);
      const session = cookies.find((cookie) => cookie.name === 'bw_session');
      assert.ok(session, 'the session cookie is set');
      assert.equal(session.secure, true, 'the session cookie is Secure over TLS');
      assert.equal(session.httpOnly, true);

      // The page reaches https://127.0.0.1:<stream port>/api/v1/events with the cookie.
      await eventually(async () => assert.equal(await page.getByTestId('stream-status').getAttribute('data-state'), 'open'));
      assert.equal(await page.getByTestId('connection-banner').isVisible(), false);
      await server.pushQuotes([{ symbol: 'TLSX', price: 42.5, volume: 10 }]);
      const row = page.locator('[data-testid="price-row"][data-symbol="TLSX"]');
      await eventually(async () => assert.equal(((await row.getByTestId('price-value').textContent()) || '').trim(), '42.50'));
      assert.deepEqual(consoleErrors, []);
    });
});
