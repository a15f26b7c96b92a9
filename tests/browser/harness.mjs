// Starts a real Bellwether server for the browser test, on loopback only.
//
//   const server = await startServer();   // users ops (admin), alice, bob
//   server.baseUrl, server.tokens.alice, await server.api('GET', '/api/v1/me', {token})
//   await server.stop();                  // always, in an `after` hook
//
// The server gets two free 127.0.0.1 ports, a temporary database and no price
// sources (`sources = []`), so the only prices are the ones the test pushes
// (until a test adds one with server.reloadWithSources).
// Environment: BELLWETHER_BIN (default build/app/bellwether), BELLWETHER_UI_DIR
// (serve web/ui from disk instead of the embedded copy), BELLWETHER_KEEP_TMP=1
// (keep the temporary directory and server log for debugging).
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;   // graceful shutdown waits for idle keep-alive connections

export const BELLWETHER_BIN = process.env.BELLWETHER_BIN || path.join(REPO, 'build', 'app', 'bellwether');

// Every server this module started and has not stopped yet: killed on exit so a
// crashed or interrupted test never leaves one running.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

// Two distinct free loopback ports: both listeners are open at the same time,
// so the kernel cannot hand out the same port twice.
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = net.createServer();
      server.listen(0, HOST);
      await once(server, 'listening');
      servers.push(server);
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

// `sourcesToml`: [[sources]] tables appended at the end; none by default.
function configText(webPort, streamPort, dir, smtpPort, sourcesToml = '', tlsDir = null) {
  // `sources` is a top-level key, so it must come before the first [table].
  return [
    ...(sourcesToml ? [] : ['sources = []']),
    '',
    '[web]',
    `listen = "${HOST}:${webPort}"`,
    '',
    '[stream]',
    `listen = "${HOST}:${streamPort}"`,
    '',
    '[storage]',
    `path = ${JSON.stringify(path.join(dir, 'bellwether.db'))}`,
    '',
    // Webhooks to the test's receiver on loopback; a long first retry, so a
    // failed delivery waits for the page's Retry button.
    '[delivery]',
    'allowed_private_addresses = ["127.0.0.1"]',
    'retry_schedule = ["10m"]',
    'retry_jitter = 0',
    'timeout = "5s"',
    '',
    // Email channels are allowed; the SMTP port is closed, so a test email
    // fails and shows its error.
    '[email]',
    `smtp_url = "smtp://127.0.0.1:${smtpPort}"`,
    'from = "Bellwether <alerts@example.com>"',
    'starttls = "off"',
    '',
    // Both listeners over HTTPS with make_test_ca.sh's server certificate.
    ...(tlsDir ? ['[tls]', `cert_file = ${JSON.stringify(path.join(tlsDir, 'server.pem'))}`,
      `key_file = ${JSON.stringify(path.join(tlsDir, 'server.key'))}`, ''] : []),
    sourcesToml,
  ].join('\n');
}

async function cli(args) {
  try {
    const { stdout } = await execFileAsync(BELLWETHER_BIN, args, { timeout: 15_000 });
    return stdout;
  } catch (err) {
    throw new Error(`bellwether ${args.join(' ')} failed (${err.code ?? err.signal}): ${err.stderr || err.message}`);
  }
}

async function createUser(name, configPath, { admin = false } = {}) {
  await cli(['user', 'add', name, ...(admin ? ['--admin'] : []), '--config', configPath]);
  const token = (await cli(['token', 'create', name, '--config', configPath])).trim();
  if (!token || /\s/.test(token)) throw new Error(`token create ${name} printed ${JSON.stringify(token)}, expected only a token`);
  return token;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One HTTPS request that trusts `ca` (node's fetch cannot take a CA per call).
function httpsRequest(url, { method = 'GET', headers = {}, body, ca, timeout = 10_000 }) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca, timeout }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

class Server {
  constructor({ dir, configPath, webPort, streamPort, smtpPort, tokens, tlsDir = null }) {
    this.dir = dir;
    this.tlsDir = tlsDir;
    this.ca = null;   // set by startServer when tlsDir is: the CA the test trusts
    this.smtpPort = smtpPort;
    this.configPath = configPath;
    this.webPort = webPort;
    this.streamPort = streamPort;
    this.tokens = tokens;
    this.baseUrl = `${tlsDir ? 'https' : 'http'}://${HOST}:${webPort}`;
    this.logPath = path.join(dir, 'server.log');
    this.child = null;
  }

  // Starts `bellwether serve` and resolves once GET /healthz answers 200.
  async start() {
    const args = ['serve', '--config', this.configPath];
    if (process.env.BELLWETHER_UI_DIR) args.push('--set', `web.ui_dir=${process.env.BELLWETHER_UI_DIR}`);
    const log = createWriteStream(this.logPath, { flags: 'a' });
    const child = spawn(BELLWETHER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    running.add(child);
    this.child = child;
    // 'close' comes after 'exit' once the log pipes are drained, so the log is complete.
    this.closed = once(child, 'close').then(() => running.delete(child));

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`bellwether serve exited (${child.exitCode ?? child.signalCode}) during start-up:\n${await this.logTail()}`);
      }
      try {
        if (this.ca) {
          const response = await httpsRequest(`${this.baseUrl}/healthz`, { ca: this.ca, timeout: 1000 });
          if (response.status === 200) return;
        } else {
          const response = await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
          await response.arrayBuffer();
          if (response.status === 200) return;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    await this.stop();
    throw new Error(`bellwether serve did not answer /healthz within ${STARTUP_TIMEOUT_MS} ms:\n${await this.logTail()}`);
  }

  // SIGTERM, then SIGKILL if the server has not exited after STOP_TIMEOUT_MS.
  // Returns the exit code (0 for a clean shutdown) or the signal name; null when
  // not running.
  async stop() {
    const child = this.child;
    if (!child) return null;
    this.child = null;
    let timer = null;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    }
    await this.closed;
    clearTimeout(timer);
    return child.exitCode ?? child.signalCode;
  }

  // Stops the server (if running) and removes its temporary directory.
  async dispose() {
    const status = await this.stop();
    if (status !== null && status !== 0) {
      console.log(`# bellwether serve exited with ${status} on SIGTERM:\n${await this.logTail()}`);
    }
    if (process.env.BELLWETHER_KEEP_TMP) {
      console.log(`# kept ${this.dir} (server log: ${this.logPath})`);
      return;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  async logTail(lines = 40) {
    try {
      return (await readFile(this.logPath, 'utf8')).split('\n').slice(-lines).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  // A JSON request to the REST API; returns {status, body}.
  async api(method, urlPath, { token, body } = {}) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.ca) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const response = await httpsRequest(`${this.baseUrl}${urlPath}`, { method, headers, body: payload, ca: this.ca });
      let parsed = null;
      try { parsed = response.text ? JSON.parse(response.text) : null; } catch { parsed = response.text; }
      return { status: response.status, contentType: response.headers['content-type'] || '', body: parsed };
    }
    let response;
    try {
      response = await fetch(`${this.baseUrl}${urlPath}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      // fetch() says only "fetch failed"; the cause has the socket error.
      const cause = err.cause ? ` (${err.cause.code || ''} ${err.cause.message || err.cause})` : '';
      throw new Error(`${method} ${urlPath}: ${err.message}${cause}`);
    }
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    return { status: response.status, contentType: response.headers.get('content-type') || '', body: parsed };
  }

  // Rewrites the config with these [[sources]] tables (TOML text) and applies
  // it with POST /api/v1/admin/reload, which starts new sources at run time.
  async reloadWithSources(sourcesToml) {
    await writeFile(this.configPath, configText(this.webPort, this.streamPort, this.dir, this.smtpPort, sourcesToml, this.tlsDir));
    const result = await this.api('POST', '/api/v1/admin/reload', { token: this.tokens.ops });
    if (result.status !== 200) throw new Error(`POST /api/v1/admin/reload: expected 200, got ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  // Feeds prices through the admin API, as a market-data source would.
  async pushQuotes(quotes) {
    const result = await this.api('POST', '/api/v1/quotes', { token: this.tokens.ops, body: quotes });
    if (result.status !== 202) throw new Error(`POST /api/v1/quotes: expected 202, got ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }
}

// Creates the config, the users ops (admin), alice and bob with a token each,
// and starts the server. `tlsDir`: a directory made by tests/support/make_test_ca.sh;
// the server then speaks HTTPS on both ports with its server.pem, and the
// harness trusts its ca.pem.
export async function startServer({ tlsDir = null } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bellwether-browser-'));
  let server;
  try {
    // The third port is left closed: the SMTP server that is not there.
    const [webPort, streamPort, smtpPort] = await freePorts(3);
    const configPath = path.join(dir, 'bellwether.toml');
    await writeFile(configPath, configText(webPort, streamPort, dir, smtpPort, '', tlsDir));
    const tokens = {
      ops: await createUser('ops', configPath, { admin: true }),
      alice: await createUser('alice', configPath),
      bob: await createUser('bob', configPath),
    };
    server = new Server({ dir, configPath, webPort, streamPort, smtpPort, tokens, tlsDir });
    if (tlsDir) server.ca = await readFile(path.join(tlsDir, 'ca.pem'));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  try {
    await server.start();
  } catch (err) {
    await server.dispose();
    throw err;
  }
  return server;
}
