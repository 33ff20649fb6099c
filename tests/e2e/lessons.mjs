// ec2lab browser test of the learning layer.
//
//   node tests/e2e/lessons.mjs    (needs a release build in dist/: trunk build --release)
//
// Opens the home page (the curriculum map), clicks the first lesson, asks for a hint, watches
// step 1's demo (if it has one: its first command shows in the console), completes step 1 by
// typing its reference solution (read from the lesson file) into the console, sees the step tick
// (data-passed="true") and its explanation, reloads and finds the progress kept on the home page
// ("continue where I left off"), exports the progress, clears localStorage and imports it back,
// opens a lesson and an unknown lesson by deep link, then
// puts garbage into localStorage and sees the banner and a working home page. Fails on any
// console error or page error. Screenshots: tests/e2e/out/lessons.png (the lesson after step 1)
// and tests/e2e/out/lessons-home.png (the home page with the banner).
import fs from 'node:fs';
import path from 'node:path';
import { openApp, runCommand, screenshot, suite, REPO_ROOT } from './lib.mjs';

const KEY = 'ec2lab.progress.v1';
let app;
const S = suite('lessons');
const { step, waitFor } = S;

/**
 * The commands of step 1's `field` (`solution` or `demo`) in a lesson file (a TOML string, basic
 * or multi-line); null when step 1 has no such field.
 */
function firstScript(id, field = 'solution') {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'lessons', 'content', 'lessons', `${id}.toml`), 'utf8');
  // Step 1: from the first [[steps]] to the next one.
  const step1 = text.split(/^\[\[steps\]\]\s*$/m)[1] ?? '';
  const re = (body) => new RegExp(`^${field}\\s*=\\s*${body}`, 'm');
  const m = step1.match(re('"""\\n?([\\s\\S]*?)"""')) ?? step1.match(re('"((?:[^"\\\\]|\\\\.)*)"'));
  if (!m) return null;
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
  return commands.length ? commands : null;
}

function firstSolution(id) {
  const commands = firstScript(id, 'solution');
  if (!commands) throw new Error(`no solution found in step 1 of lessons/content/lessons/${id}.toml`);
  return commands;
}

const visible = (page, testid) => page.locator(`[data-testid=${testid}]`).first().isVisible();

async function main() {
  step('serve dist/ and launch Chromium');
  app = S.app = await openApp();
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

  step('watch step 1\'s demo');
  const demo = firstScript(id, 'demo');
  const hasDemoButton = (await page.locator('[data-testid=btn-demo]').count()) > 0;
  if (Boolean(demo) !== hasDemoButton) {
    throw new Error(`step 1 ${demo ? 'has' : 'has no'} demo in the lesson file but btn-demo is ${hasDemoButton ? '' : 'not '}shown`);
  }
  if (demo) {
    const first = demo[0].split('\n')[0].trim();
    console.log(`[lessons]   demo starts: $ ${first}`);
    await page.locator('[data-testid=btn-demo]').click();
    await waitFor(`the demo's first command "${first}" in the console`, async () =>
      (await page.locator('[data-testid=console-output]').innerText()).includes(first));
    // Let the demo finish typing before the learner types.
    await waitFor('the demo to finish', () => page.locator('[data-testid=btn-demo]').isEnabled(), { timeoutMs: 20000 });
  } else {
    console.log('[lessons]   step 1 has no demo');
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

  step('export the progress');
  const href = await page.locator('[data-testid=btn-export]').getAttribute('href');
  if (!href?.startsWith('data:')) throw new Error(`btn-export href is not a data: URL: ${href?.slice(0, 80)}`);
  const exported = decodeURIComponent(href.slice(href.indexOf(',') + 1));
  if (!exported.includes('"kind": "ec2lab-progress"')) throw new Error(`export lacks "kind": "ec2lab-progress": ${exported.slice(0, 200)}`);
  if (!JSON.parse(exported) || !exported.includes(id)) throw new Error(`export does not mention lesson ${id}: ${exported.slice(0, 200)}`);

  step('clear localStorage, reload, import the export');
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${url}/`, { waitUntil: 'load' });
  await waitFor('the home page', () => visible(page, 'home'));
  await waitFor('lesson links', async () => (await page.locator('[data-testid^=lesson-link-]').count()) > 0);
  if (await page.locator('[data-testid=continue]').count()) throw new Error('"continue" shown after clearing localStorage');
  await page.locator('[data-testid=import-input]').setInputFiles({
    name: 'ec2lab-progress.json',
    mimeType: 'application/json',
    buffer: Buffer.from(exported, 'utf8'),
  });
  await waitFor('"continue where I left off" after the import', () => visible(page, 'continue'));
  const status2 = await page.locator(`[data-testid=${testid}]`).locator('xpath=..').getAttribute('data-status');
  if (status2 !== 'doing' && status2 !== 'done') throw new Error(`lesson ${id} shows status ${status2} after the import`);
  const restored = await page.evaluate((k) => localStorage.getItem(k), KEY);
  if (!restored || !restored.includes(id)) throw new Error(`imported progress not saved in localStorage ${KEY}: ${restored}`);

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
  S.pass();
}

S.run(main);
