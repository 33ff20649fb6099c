// ec2lab browser test of the metadata inspector ("Inside the instance").
//
//   node tests/e2e/inspector.mjs        (needs a release build in dist/: trunk build --release)
//
// Launches an Amazon Linux 2023 instance (IMDSv2 required) with a user-data script, waits for
// it to boot, selects it and opens the inspector: browsing meta-data/ with a token answers 200
// and lists the tree, a leaf shows the instance's own id, turning the token off gets 401, the
// request log records both, the user-data tab shows the script with its warning, the cloud-init
// tab shows the boot finished. Every request is typed through the console (the log shows it).
// Fails on any console error or page error. Screenshot: tests/e2e/out/inspector.png.
import { runCommand, screenshot, suite, text } from './lib.mjs';

const CHIPS = '[data-testid=datacenter] [data-testid=instance-chip]';
const SCRIPT = "printf '#!/bin/bash\\necho hello from user data > /tmp/hello.txt\\n' > boot.sh";
const LAUNCH =
  'aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --user-data file://boot.sh';

let app;
const S = suite('inspector');
const { step, waitFor } = S;

async function main() {
  app = await S.openSandbox(7);
  const { page } = app;

  step('launch an instance with user data and let it boot');
  await runCommand(page, SCRIPT);
  await runCommand(page, LAUNCH);
  await runCommand(page, 'lab advance 3m');
  await waitFor('a running instance chip', async () => {
    const states = await page.locator(CHIPS).evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    return states.length === 1 && states[0] === 'running';
  }, { timeoutMs: 20000 });
  await page.locator(CHIPS).first().click();
  const paneText = await page.locator('[data-testid=instance-pane]').innerText();
  const id = paneText.match(/\bi-[0-9a-f]{17}\b/)?.[0];
  if (!id) throw new Error(`no instance id in the instance pane: ${paneText.slice(0, 200)}`);

  step('open the inspector and browse meta-data/ with a token');
  await page.locator('[data-testid=inspector-toggle]').click();
  await page.locator('[data-testid=imds-root]').click();
  await waitFor(async () => `status 200 (shows "${await text(page, '[data-testid=imds-status]')}")`, async () => (await text(page, '[data-testid=imds-status]')).includes('200'));
  const entries = await page.locator('[data-testid=imds-entry]').allTextContents();
  for (const want of ['ami-id', 'instance-id', 'placement/', 'network/']) {
    if (!entries.includes(want)) throw new Error(`meta-data/ listing lacks ${want}: ${JSON.stringify(entries)}`);
  }
  const consoleOut = await text(page, '[data-testid=console-output]');
  if (!consoleOut.includes(`lab exec ${id} curl -s -X PUT`)) throw new Error('the token request was not typed into the console');

  step('a leaf: instance-id is the selected instance');
  await page.locator('[data-testid=imds-entry]', { hasText: /^instance-id$/ }).click();
  await waitFor(async () => `body ${id} (shows "${await text(page, '[data-testid=imds-body]')}")`, async () => (await text(page, '[data-testid=imds-body]')) === id);

  step('without a token: 401 (HttpTokens=required on Amazon Linux 2023)');
  await page.locator('[data-testid=imds-use-token]').uncheck();
  await page.locator('[data-testid=imds-root]').click();
  await waitFor(async () => `status 401 (shows "${await text(page, '[data-testid=imds-status]')}")`, async () => (await text(page, '[data-testid=imds-status]')).includes('401'));

  step('the request log shows the PUT, the 200s and the 401');
  await page.locator('[data-testid=tab-log]').click();
  const log = await text(page, '[data-testid=imds-log]');
  for (const want of ['PUT', '/latest/api/token', '/latest/meta-data/instance-id', '401']) {
    if (!log.includes(want)) throw new Error(`request log lacks ${want}: ${log.slice(0, 400)}`);
  }

  step('user data is readable, with the warning');
  await page.locator('[data-testid=tab-userdata]').click();
  await waitFor('the user-data script', async () => (await text(page, '[data-testid=imds-userdata]')).includes('hello from user data'));

  step('cloud-init finished the boot');
  await page.locator('[data-testid=tab-cloudinit]').click();
  await waitFor(async () => `cloud-init: done (shows "${await text(page, '[data-testid=cloud-init-status]')}")`, async () => (await text(page, '[data-testid=cloud-init-status]')).includes('done'));
  await waitFor('the output log', async () => (await text(page, '[data-testid=cloud-init-log]')).includes('Cloud-init v.'));

  step('screenshot');
  console.log(`[inspector] screenshot: ${await screenshot(page, 'inspector.png')}`);
  await app.close();
  S.pass();
}

S.run(main);
