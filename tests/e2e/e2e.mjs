// ec2lab browser end-to-end test.
//
//   node tests/e2e/e2e.mjs        (needs a release build in dist/: trunk build --release)
//
// Serves dist/ on a free port, opens it in headless system Chromium (fresh profile) and walks
// through: launch 3 instances from the console, watch them reach `running` in the datacenter,
// select one, stop it with the Stop button, see the equivalent CLI command echoed in the console
// and the state go stopping -> stopped. Fails on any console error or page error (a Rust panic
// shows up as the pageerror "unreachable"). Writes a screenshot to tests/e2e/out/e2e.png.
import { openApp, runCommand, chipCount, screenshot, suite, consoleText } from './lib.mjs';

const RUN_3 =
  'aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --count 3';
const CHIPS = '[data-testid=datacenter] [data-testid=instance-chip]';

let app;
const S = suite('e2e');
const { step, waitFor } = S;

async function chipStates(page) {
  return page.locator(CHIPS).evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
}

async function paneState(page) {
  const el = page.locator('[data-testid=instance-pane] [data-testid=instance-state]').first();
  const attr = await el.getAttribute('data-state');
  return (attr ?? (await el.textContent()) ?? '').trim().toLowerCase();
}

async function main() {
  step('serve dist/ and launch Chromium');
  app = S.app = await openApp();
  const { page, url } = app;

  step(`load ${url}/sandbox (the full lab)`);
  await page.goto(`${url}/sandbox`, { waitUntil: 'load' });
  await waitFor('the console input to be visible', () => page.locator('[data-testid=console-input]').first().isVisible());
  await waitFor('the datacenter view', async () => (await page.locator('[data-testid=datacenter]').count()) > 0);

  step('run-instances --count 3 in the console');
  const before = await chipCount(page);
  await runCommand(page, RUN_3);
  await waitFor(`3 new instance chips in the datacenter (had ${before})`, async () => (await chipCount(page)) === before + 3, {
    timeoutMs: 20000,
  });

  step('wait for the 3 instances to be running');
  const allRunning = async () => {
    const states = await chipStates(page);
    return states.length === before + 3 && states.every((s) => s === 'running');
  };
  try {
    await waitFor('instances running (live clock)', allRunning, { timeoutMs: 5000 });
  } catch {
    console.log('[e2e]   not running yet on the live clock; typing `lab advance 2m`');
    await runCommand(page, 'lab advance 2m');
    await waitFor(async () => `all instances running (states: ${JSON.stringify(await chipStates(page))})`, allRunning, { timeoutMs: 20000 });
  }

  step('select an instance');
  await page.locator(CHIPS).first().click();
  const pane = page.locator('[data-testid=instance-pane]');
  await pane.waitFor({ state: 'visible', timeout: 10000 });
  await waitFor('instance pane to show state running', async () => (await paneState(page)).includes('running'), {
    timeoutMs: 10000,
  });
  const paneText = await pane.innerText();
  const id = paneText.match(/\bi-[0-9a-f]{8,17}\b/)?.[0];
  if (!id) throw new Error(`instance pane shows no instance id (i-…); pane text: ${paneText.slice(0, 300)}`);
  console.log(`[e2e]   selected ${id}`);

  step('click Stop');
  await page.locator('[data-testid=instance-pane] [data-testid=btn-stop]').click();
  const expected = `aws ec2 stop-instances --instance-ids ${id}`;
  await waitFor(`console output to contain "${expected}"`, async () => (await consoleText(page)).includes(expected), {
    timeoutMs: 10000,
  });

  step('state goes stopping');
  await waitFor(async () => `instance state "stopping" (now "${await paneState(page)}")`, async () => (await paneState(page)).includes('stopping'), {
    timeoutMs: 10000,
    intervalMs: 25,
  });

  step('lab advance 2m -> stopped');
  await runCommand(page, 'lab advance 2m');
  await waitFor(async () => `instance state "stopped" (now "${await paneState(page)}")`, async () => (await paneState(page)) === 'stopped', {
    timeoutMs: 15000,
  });

  step('screenshot');
  const shot = await screenshot(page, 'e2e.png');
  console.log(`[e2e] screenshot: ${shot}`);

  step('the sandbox command log survives a reload (↑ recalls the last command)');
  await page.reload({ waitUntil: 'load' });
  const input = page.locator('[data-testid=console-input]').first();
  await waitFor('the console input after reload', () => input.isVisible());
  await input.focus();
  await page.keyboard.press('ArrowUp');
  await waitFor(async () => `↑ to recall "lab advance 2m" (input is "${await input.inputValue()}")`, async () => (await input.inputValue()) === 'lab advance 2m', {
    timeoutMs: 5000,
  });

  step('no console errors or page errors');
  await app.close();
  S.pass();
}

S.run(main);
