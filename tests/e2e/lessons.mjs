// ec2lab browser test of the learning layer.
//
//   node tests/e2e/lessons.mjs    (needs a release build in dist/: trunk build --release)
//
// Opens the home page (the curriculum map), clicks the first lesson, asks for a hint, completes
// step 1 by typing its reference solution (read from the lesson file) into the console, sees the
// step tick (data-passed="true") and its explanation, reloads and finds the progress kept on the
// home page ("continue where I left off"), opens a lesson and an unknown lesson by deep link, then
// puts garbage into localStorage and sees the banner and a working home page. Fails on any
// console error or page error. Screenshots: tests/e2e/out/lessons.png (the lesson after step 1)
// and tests/e2e/out/lessons-home.png (the home page with the banner).
import fs from 'node:fs';
import path from 'node:path';
import { openApp, runCommand, screenshot, waitFor as waitForAny, REPO_ROOT } from './lib.mjs';

const KEY = 'ec2lab.progress.v1';
let app;
let currentStep = 'start';
const t0 = Date.now();

const waitFor = (what, fn, opts = {}) => waitForAny(what, fn, { ...opts, errors: app?.errors });

function step(name) {
  currentStep = name;
  console.log(`[lessons +${((Date.now() - t0) / 1000).toFixed(1)}s] ${name}`);
  if (app?.errors.length) throw new Error(`browser reported errors:\n  ${app.errors.join('\n  ')}`);
}

/** The commands of step 1's `solution` in a lesson file (a TOML string, basic or multi-line). */
function firstSolution(id) {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'lessons', 'content', 'lessons', `${id}.toml`), 'utf8');
  const m = text.match(/^solution\s*=\s*"""\n?([\s\S]*?)"""/m) ?? text.match(/^solution\s*=\s*"((?:[^"\\]|\\.)*)"/m);
  if (!m) throw new Error(`no solution found in lessons/content/lessons/${id}.toml`);
  const script = m[1].replace(/\\\\/g, '\\').replace(/\\"/g, '"');
  // One command per line; a line ending in `\` continues on the next.
  const commands = [];
  let pending = '';
  for (const line of script.split('\n')) {
    pending = pending ? `${pending}\n${line}` : line;
    if (pending.endsWith('\\')) continue;
    if (pending.trim()) commands.push(pending);
    pending = '';
  }
  return commands;
}

const visible = (page, testid) => page.locator(`[data-testid=${testid}]`).first().isVisible();

async function main() {
  step('serve dist/ and launch Chromium');
  app = await openApp();
  const { page, url } = app;

  step(`open ${url}/ (the curriculum map)`);
  await page.goto(`${url}/`, { waitUntil: 'load' });
  await waitFor('the home page', () => visible(page, 'home'));
  await waitFor('topic ec2-basics', () => visible(page, 'topic-ec2-basics'));
  if (await page.locator('[data-testid=continue]').count()) throw new Error('"continue" shown before any lesson was opened');
  const link = page.locator('[data-testid^=lesson-link-]').first();
  const testid = await link.getAttribute('data-testid');
  const id = testid.replace(/^lesson-link-/, '');
  console.log(`[lessons]   first lesson: ${id}`);

  step('click the first lesson');
  await link.click();
  await waitFor('the lesson page', () => visible(page, 'lesson-page'));
  await waitFor('the console input', () => visible(page, 'console-input'));
  if (!page.url().endsWith(`/lesson/${id}`)) throw new Error(`expected /lesson/${id}, at ${page.url()}`);
  const passed1 = () => page.locator('[data-testid=step-1]').getAttribute('data-passed');
  if ((await passed1()) !== 'false') throw new Error(`step-1 data-passed is ${await passed1()} before any command`);

  step('ask for a hint');
  if (await page.locator('[data-testid=btn-hint]').count()) {
    await page.locator('[data-testid=btn-hint]').click();
    await waitFor('a hint', () => visible(page, 'hint'));
  } else {
    console.log('[lessons]   step 1 has no hints');
  }

  step('type step 1\'s solution into the console');
  for (const command of firstSolution(id)) {
    console.log(`[lessons]   $ ${command.split('\n')[0]}${command.includes('\n') ? ' …' : ''}`);
    await runCommand(page, command);
  }
  await waitFor(async () => `step-1 data-passed="true" (now ${await passed1()})`, async () => (await passed1()) === 'true', {
    timeoutMs: 20000,
  });
  await waitFor('the step explanation', () => visible(page, 'step-explain'));
  const stored = await page.evaluate((k) => localStorage.getItem(k), KEY);
  if (!stored || !stored.includes(id)) throw new Error(`progress not saved in localStorage ${KEY}: ${stored}`);
  const shot = await screenshot(page, 'lessons.png');
  console.log(`[lessons] screenshot: ${shot}`);

  step('reload the home page: progress kept');
  await page.goto(`${url}/`, { waitUntil: 'load' });
  await waitFor('the home page', () => visible(page, 'home'));
  await waitFor('"continue where I left off"', () => visible(page, 'continue'));
  const status = await page.locator(`[data-testid=${testid}]`).locator('xpath=..').getAttribute('data-status');
  if (status !== 'doing' && status !== 'done') throw new Error(`lesson ${id} shows status ${status} after a passed step`);

  step('deep links: /lesson/ID and an unknown lesson');
  await page.goto(`${url}/lesson/${id}`, { waitUntil: 'load' });
  await waitFor('the lesson page by deep link', () => visible(page, 'lesson-page'));
  await page.goto(`${url}/lesson/no-such-lesson`, { waitUntil: 'load' });
  await waitFor('the not-found page', () => visible(page, 'not-found'));

  step('garbage in localStorage: banner, working home page');
  await page.evaluate((k) => localStorage.setItem(k, '{"kind": "ec2lab-progress", "version": 1, garbage'), KEY);
  await page.goto(`${url}/`, { waitUntil: 'load' });
  await waitFor('the progress banner', () => visible(page, 'progress-banner'));
  await waitFor('the home page', () => visible(page, 'home'));
  await waitFor('lesson links', async () => (await page.locator('[data-testid^=lesson-link-]').count()) > 0);
  console.log(`[lessons]   banner: ${(await page.locator('[data-testid=progress-banner]').innerText()).slice(0, 160)}`);
  await screenshot(page, 'lessons-home.png');
  await page.locator('[data-testid=btn-dismiss-banner]').click();
  await waitFor('the banner to go', async () => (await page.locator('[data-testid=progress-banner]').count()) === 0);
  await page.locator(`[data-testid=${testid}]`).click();
  await waitFor('the lesson page after recovering', () => visible(page, 'lesson-page'));

  step('no console errors or page errors');
  await app.close();
  console.log(`[lessons] PASS (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
}

main().catch(async (err) => {
  console.error(`\n[lessons] FAIL during step "${currentStep}": ${err.message}`);
  if (app?.errors.length) console.error(`[lessons] browser errors:\n  ${app.errors.join('\n  ')}`);
  if (app?.page) {
    try {
      const shot = await screenshot(app.page, 'lessons-failure.png');
      console.error(`[lessons] failure screenshot: ${shot}`);
    } catch { /* page gone */ }
  }
  await app?.close().catch(() => {});
  process.exit(1);
});
