// ec2lab browser test of identity and secrets: the IAM view, the Parameter Store browser and the
// instance pane's role section.
//
//   node tests/e2e/identity.mjs        (needs a release build in dist/: trunk build --release)
//
// Through the console: a role trusting EC2 with AmazonSSMReadOnlyAccess, an instance profile
// holding it, a String and a SecureString under /app/prod, and an instance launched with the
// profile. Then: the IAM view lists the role, its trust policy, its attached policy (the document
// opens) and the instance wearing the profile; "Simulate" types simulate-principal-policy. The
// Parameter Store browser shows the tree with type badges, the String's value, the SecureString
// masked; "Decrypt" types get-parameter --with-decryption into the console, whose answer shows;
// "who may read it" names the role as allowed. The instance pane shows the role and its
// credentials counting down on the virtual clock. The datacenter's chips stay clickable with the
// views closed. Fails on any console error or page error. Screenshots: tests/e2e/out/identity-*.png.
import { runCommand, screenshot, suite, text, consoleText } from './lib.mjs';

const CHIPS = '[data-testid=datacenter] [data-testid=instance-chip]';
const TRUST = `printf '%s' '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' > trust.json`;
const SETUP = [
  TRUST,
  'aws iam create-role --role-name app-reader --assume-role-policy-document file://trust.json --query Role.Arn --output text',
  'aws iam attach-role-policy --role-name app-reader --policy-arn arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess',
  'aws iam create-instance-profile --instance-profile-name app-reader --query InstanceProfile.Arn --output text',
  'aws iam add-role-to-instance-profile --instance-profile-name app-reader --role-name app-reader',
  'aws ssm put-parameter --name /app/prod/db-host --value db.internal --type String',
  "aws ssm put-parameter --name /app/prod/db-password --value 'hunter2-secret' --type SecureString",
];
const LAUNCH =
  "aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --iam-instance-profile Name=app-reader --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=web}]' --query 'Instances[0].InstanceId' --output text";
const SECRET = 'hunter2-secret';

let app;
const S = suite('identity');
const { step, waitFor } = S;

/** Seconds in a countdown like "expire in 5 h 59 min 30 s (at …)". */
function secondsLeft(s) {
  const m = s.match(/in (?:(\d+) h )?(?:(\d+) min )?(\d+) s/);
  if (!m) return null;
  return (Number(m[1] ?? 0) * 3600) + (Number(m[2] ?? 0) * 60) + Number(m[3]);
}

async function main() {
  app = await S.openSandbox(7);
  const { page } = app;

  step('the IAM and Parameter Store buttons are there, closed');
  await waitFor('the open-iam button', () => page.locator('[data-testid=open-iam]').isVisible());
  if (await page.locator('[data-testid=iam-view]').count()) throw new Error('the IAM view is open before anyone asked');

  step('create a role, an instance profile and two parameters through the console');
  for (const cmd of SETUP) await runCommand(page, cmd);
  await waitFor('the profile ARN in the console', async () => (await consoleText(page)).includes('arn:aws:iam::123456789012:instance-profile/app-reader'));
  const out = await consoleText(page);
  if (/An error occurred|Unable to/.test(out)) throw new Error(`a setup command failed: ${out.slice(-600)}`);

  step('launch an instance with the profile and let it boot');
  await runCommand(page, LAUNCH);
  await runCommand(page, 'lab advance 2m');
  await waitFor('a running instance chip', async () => {
    const states = await page.locator(CHIPS).evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    return states.length === 1 && states[0] === 'running';
  }, { timeoutMs: 20000 });
  // The corner buttons must not hide the datacenter's chips.
  await page.locator(CHIPS).first().click({ timeout: 5000 });
  const paneText = await page.locator('[data-testid=instance-pane]').innerText();
  const id = paneText.match(/\bi-[0-9a-f]{17}\b/)?.[0];
  if (!id) throw new Error(`no instance id in the instance pane: ${paneText.slice(0, 200)}`);

  step('the instance pane shows the role and its credentials counting down');
  await waitFor(async () => `role app-reader (shows "${await text(page, '[data-testid=role-name]')}")`, async () => (await text(page, '[data-testid=role-name]')).includes('app-reader'));
  const profile = await text(page, '[data-testid=role-profile]');
  if (!profile.includes('app-reader')) throw new Error(`profile: ${profile}`);
  const expiry1 = await text(page, '[data-testid=role-expiry]');
  const left1 = secondsLeft(expiry1);
  if (left1 === null || left1 < 5 * 3600 || left1 > 6 * 3600) throw new Error(`expected an expiry ~6 h away, got "${expiry1}"`);
  const rotation = await text(page, '[data-testid=role-rotation]');
  if (!rotation.includes('new credentials in')) throw new Error(`rotation: ${rotation}`);
  await runCommand(page, 'lab advance 10m');
  await waitFor(async () => `the countdown to drop by ~10 min (was "${expiry1}", shows "${await text(page, '[data-testid=role-expiry]')}")`, async () => {
    const left = secondsLeft(await text(page, '[data-testid=role-expiry]'));
    return left !== null && left1 - left >= 600 && left1 - left < 700;
  });

  step('the instance reads its credentials: the access key appears, masked');
  await runCommand(page, `lab connect ${id}`);
  await runCommand(page, "TOKEN=$(curl -s -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)");
  await runCommand(page, 'curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/iam/security-credentials/app-reader');
  await runCommand(page, 'exit');
  await waitFor('the credentials document in the console', async () => (await consoleText(page)).includes('"AccessKeyId"'));
  const fullKey = (await consoleText(page)).match(/"AccessKeyId" : "(ASIA[A-Z0-9]{16})"/)?.[1];
  if (!fullKey) throw new Error('no access key id in the credentials document');
  await waitFor(async () => `a masked key ending ${fullKey.slice(-4)} (shows "${await text(page, '[data-testid=role-key]')}")`, async () => {
    const k = await text(page, '[data-testid=role-key]');
    return k.startsWith('ASIA') && k.endsWith(fullKey.slice(-4)) && !k.includes(fullKey.slice(4, 16));
  });

  step('open the IAM view: the role, its policies, the instance wearing the profile');
  await page.locator('[data-testid=open-iam]').click();
  await waitFor('the IAM view', () => page.locator('[data-testid=iam-view]').isVisible());
  const role = page.locator('[data-testid=iam-role][data-role=app-reader]');
  await waitFor('the role app-reader', () => role.isVisible());
  const roleText = await role.innerText();
  for (const want of ['arn:aws:iam::123456789012:role/app-reader', 'Service: ec2.amazonaws.com', 'EC2 may assume it', 'AmazonSSMReadOnlyAccess', 'AWS managed']) {
    if (!roleText.includes(want)) throw new Error(`the role card lacks "${want}": ${roleText.slice(0, 500)}`);
  }
  const policy = role.locator('[data-testid=iam-policy][data-policy=AmazonSSMReadOnlyAccess]');
  await policy.locator('summary').click();
  await waitFor('the policy document', async () => ((await policy.locator('pre').textContent()) ?? '').includes('"ssm:Get*"'));
  await role.locator('[data-testid=iam-trust] summary').click();
  await waitFor('the trust policy', async () => ((await role.locator('[data-testid=iam-trust] pre').textContent()) ?? '').includes('"sts:AssumeRole"'));
  const wearer = page.locator(`[data-testid=iam-profile][data-profile=app-reader] [data-testid=iam-wearer][data-instance=${id}]`);
  await waitFor('the instance in the profile row', () => wearer.isVisible());
  const wearerText = await wearer.innerText();
  if (!wearerText.includes('web') || !wearerText.includes('running')) throw new Error(`wearer: ${wearerText}`);
  console.log(`[identity] screenshot: ${await screenshot(page, 'identity-iam.png')}`);

  step('Simulate types simulate-principal-policy into the console');
  await role.locator('[data-testid=iam-simulate]').click();
  await waitFor('the simulation in the console', async () => {
    const c = await consoleText(page);
    return c.includes('aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::123456789012:role/app-reader --action-names ssm:GetParameter') && c.includes('"EvalDecision": "allowed"');
  });

  step('open the Parameter Store browser: the tree, badges, the SecureString masked');
  await page.locator('[data-testid=open-params]').click();
  await waitFor('the Parameter Store browser', () => page.locator('[data-testid=params-view]').isVisible());
  if (await page.locator('[data-testid=iam-view]').count()) throw new Error('the IAM view is still shown');
  const folders = await page.locator('[data-testid=param-folder]').allTextContents();
  if (!folders.some((f) => f.includes('app/')) || !folders.some((f) => f.includes('prod/'))) throw new Error(`folders: ${JSON.stringify(folders)}`);
  const host = page.locator('[data-testid=param-node][data-name="/app/prod/db-host"]');
  const pw = page.locator('[data-testid=param-node][data-name="/app/prod/db-password"]');
  await waitFor('both parameters in the tree', async () => (await host.isVisible()) && (await pw.isVisible()));
  if (!(await pw.innerText()).includes('Secure')) throw new Error(`no SecureString badge: ${await pw.innerText()}`);
  if ((await page.locator('[data-testid=params-view]').innerText()).includes(SECRET)) throw new Error('the secret shows before decryption');

  await host.click();
  await waitFor('the String value', async () => (await text(page, '[data-testid=param-value]')) === 'db.internal');
  await pw.click();
  await waitFor('the SecureString detail', async () => (await page.locator('[data-testid=param-detail]').getAttribute('data-name')) === '/app/prod/db-password');
  const masked = await text(page, '[data-testid=param-value]');
  if (masked !== '••••') throw new Error(`the SecureString is not masked: "${masked}"`);
  if (!(await text(page, '[data-testid=param-key]')).includes('alias/aws/ssm')) throw new Error('no KMS key alias');

  step('who may read it: the role, by AmazonSSMReadOnlyAccess, with the instance');
  const reader = page.locator('[data-testid=param-reader][data-role=app-reader]');
  await waitFor('the reader row', () => reader.isVisible());
  const readerText = await reader.innerText();
  if ((await reader.getAttribute('data-allowed')) !== 'true' || !readerText.includes('AmazonSSMReadOnlyAccess') || !readerText.includes(id)) {
    throw new Error(`reader row: ${readerText}`);
  }

  step('Decrypt types get-parameter --with-decryption; the answer shows');
  await page.locator('[data-testid=param-decrypt]').click();
  await waitFor('the decrypt command in the console', async () => {
    const c = await consoleText(page);
    return c.includes('aws ssm get-parameter --name /app/prod/db-password --with-decryption') && c.includes(`"Value": "${SECRET}"`);
  });
  await waitFor(async () => `the decrypted value (shows "${await text(page, '[data-testid=param-value]')}")`, async () => (await text(page, '[data-testid=param-value]')) === SECRET);
  await page.locator('[data-testid=param-hide]').click();
  await waitFor('masked again', async () => (await text(page, '[data-testid=param-value]')) === '••••');
  console.log(`[identity] screenshot: ${await screenshot(page, 'identity-params.png')}`);

  step('close: the datacenter and its chips are back');
  await page.locator('[data-testid=identity-close]').click();
  await waitFor('the browser closed', async () => (await page.locator('[data-testid=params-view]').count()) === 0);
  await page.locator(CHIPS).first().click({ timeout: 5000 });
  console.log(`[identity] screenshot: ${await screenshot(page, 'identity.png')}`);
  if (app.errors.length) throw new Error(`browser reported errors:\n  ${app.errors.join('\n  ')}`);
  await app.close();
  S.pass();
}

S.run(main);
