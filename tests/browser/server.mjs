// What every browser test shares: Chromium's path and flags, the artifacts folder, and
// `startServer`. Starts `landtrace serve` for a test: a fresh store in a temporary directory, the
// repository's data/ and the built page (web/dist), an admin token, a free port. Shared
// by map.test.mjs (the page in Chromium) and client-rules.test.mjs (the map client's
// shared modules against the server's answers). LANDTRACE_BIN overrides the binary
// (default target/debug/landtrace, as scripts/test builds it).

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const bin = process.env.LANDTRACE_BIN || path.join(repo, 'target/debug/landtrace');
export const webDir = path.join(repo, 'web/dist');
/** Debian's Chromium (CHROMIUM overrides), and where the tests put their screenshots. */
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
export const artifacts = path.join(repo, 'artifacts/browser');
/** Headless Chromium without a GPU: WebGL through SwiftShader (ANGLE); no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync',
  '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts the server and waits for `/health`: `{baseUrl, adminToken, tmp, stop()}`;
 * `tmp` is the run's temporary directory (the store is in it), removed by `stop()`.
 * `users` (`[{name, role, token}]`) are written to a users file the server reads;
 * `args`: more `serve` flags (e.g. `['--basemap', file]`).
 */
export async function startServer({ healthMs = 60_000, users = [], args = [] } = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'landtrace-browser-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminToken = `browser-test-${randomBytes(12).toString('hex')}`;
  const env = { ...process.env, LANDTRACE_DATA: path.join(repo, 'data'), LANDTRACE_WEB_DIR: webDir, RUST_LOG: 'warn',
    LANDTRACE_ADMIN_TOKEN: adminToken };
  delete env.LANDTRACE_USERS;
  if (users.length) {
    const sha256 = (text) => createHash('sha256').update(text).digest('hex');
    const file = path.join(tmp, 'users.toml');
    writeFileSync(file, users.map((u) => `[[user]]\nname = "${u.name}"\nrole = "${u.role}"\ntoken_sha256 = "${sha256(u.token)}"\n`).join('\n'));
    env.LANDTRACE_USERS = file;
  }
  const server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--store', path.join(tmp, 't.gpkg'), ...args], {
    cwd: repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stdout.on('data', (d) => { log += d; });
  server.stderr.on('data', (d) => { log += d; });

  function stop() {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      const pid = server.pid;
      setTimeout(() => {
        try {
          process.kill(pid, 0);
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 3000).unref();
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  process.on('exit', stop);

  const deadline = Date.now() + healthMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`landtrace exited with ${server.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`no /health answer within ${healthMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, adminToken, tmp, stop };
}
