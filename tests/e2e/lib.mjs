// Shared helpers for the browser e2e suite and the browser benchmark.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, REPO_ROOT } from './server.mjs';

export { REPO_ROOT };
export const OUT_DIR = path.join(REPO_ROOT, 'tests', 'e2e', 'out');

/** The system Chromium (Debian package `chromium`); override with EC2LAB_CHROMIUM. */
export function chromiumPath() {
  const candidates = [process.env.EC2LAB_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`Chromium not found (tried ${candidates.join(', ')}); run scripts/setup`);
  return found;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Serve dist/ on a free port and open the app in a fresh headless Chromium profile.
 * Returns { page, url, errors, close }. `errors` collects console errors and page errors
 * (a Rust panic in wasm surfaces as a pageerror "unreachable").
 */
export async function openApp({ viewport = { width: 1400, height: 900 } } = {}) {
  const { server, url } = await startServer({ root: path.join(REPO_ROOT, 'dist') });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2lab-chromium-'));
  let context;
  const cleanup = async () => {
    try { await context?.close(); } catch { /* already gone */ }
    await new Promise((r) => server.close(r));
    server.closeAllConnections?.();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
    });
  } catch (err) {
    await cleanup();
    throw new Error(`cannot launch Chromium: ${err.message}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return { page, url, errors, close: cleanup };
}

/** Type one command into the console input and press Enter. */
export async function runCommand(page, command) {
  const input = page.locator('[data-testid=console-input]');
  await input.click();
  await input.fill(command);
  await input.press('Enter');
}

/** The trimmed text of the first element matching `sel` ('' when there is none). */
export async function text(page, sel) {
  return ((await page.locator(sel).first().textContent()) ?? '').trim();
}

/** Everything the console shows (untrimmed). */
export async function consoleText(page) {
  return (await page.locator('[data-testid=console-output]').first().textContent()) ?? '';
}

/** Number of instance chips in the datacenter view. */
export function chipCount(page) {
  return page.locator('[data-testid=datacenter] [data-testid=instance-chip]').count();
}

export async function screenshot(page, name) {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, name);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/**
 * Poll `fn` (async, returns truthy when done) until it succeeds or `timeoutMs` passes.
 * `what` describes the wait; it may be an async function, evaluated on timeout.
 * If `errors` (an array) becomes non-empty, fail at once: no point waiting after a panic.
 */
export async function waitFor(what, fn, { timeoutMs = 30000, intervalMs = 100, errors } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    if (errors?.length) throw new Error(`browser reported errors:\n  ${errors.join('\n  ')}`);
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? ` (last error: ${last.message})` : '';
      const desc = typeof what === 'function' ? await what().catch((e) => `? (${e.message})`) : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${desc}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * The bookkeeping every browser suite shares. `const S = suite('name')`, then in `main`:
 * `app = S.app = await openApp()` (or `app = await S.openSandbox(seed)`), `S.step('what happens next')` (logs it, and fails at once if the
 * browser reported an error), `S.waitFor(…)` (fails fast on browser errors), `S.pass()` at the end,
 * and `S.run(main)` to start. On failure it prints the step, the browser errors, saves
 * `out/<name>-failure.png` and exits 1.
 */
export function suite(name) {
  const t0 = Date.now();
  const seconds = () => ((Date.now() - t0) / 1000).toFixed(1);
  const S = {
    app: undefined,
    current: 'start',
    step(what) {
      S.current = what;
      console.log(`[${name} +${seconds()}s] ${what}`);
      if (S.app?.errors.length) throw new Error(`browser reported errors:\n  ${S.app.errors.join('\n  ')}`);
    },
    waitFor: (what, fn, opts = {}) => waitFor(what, fn, { ...opts, errors: S.app?.errors }),
    /** Serve dist/, launch Chromium, open `/sandbox?seed=SEED` and wait for the console. */
    async openSandbox(seed = 7) {
      S.step('serve dist/ and launch Chromium');
      S.app = await openApp();
      await S.app.page.goto(`${S.app.url}/sandbox?seed=${seed}`, { waitUntil: 'load' });
      await S.waitFor('the console input', () => S.app.page.locator('[data-testid=console-input]').first().isVisible());
      return S.app;
    },
    pass() {
      console.log(`[${name}] PASS (${seconds()}s)`);
    },
    run(main) {
      main().catch(async (err) => {
        console.error(`\n[${name}] FAIL during step "${S.current}": ${err.message}`);
        if (S.app?.errors.length) console.error(`[${name}] browser errors:\n  ${S.app.errors.join('\n  ')}`);
        if (S.app?.page) {
          try {
            const shot = await screenshot(S.app.page, `${name}-failure.png`);
            console.error(`[${name}] failure screenshot: ${shot}`);
          } catch { /* page gone */ }
        }
        await S.app?.close().catch(() => {});
        process.exit(1);
      });
    },
  };
  return S;
}
