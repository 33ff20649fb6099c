// ec2lab browser test of the Dedicated Hosts view.
//
//   node tests/e2e/hosts.mjs        (needs a release build in dist/: trunk build --release)
//
// The "Dedicated Hosts" tab of the identity overlay: empty at first, its "Allocate one" button types
// allocate-hosts into the console and the host's card appears. Through the console: two
// m5.4xlarge with HostId and one m5.large by auto-placement. The card's capacity bar shows
// 17 of 48 cores in use, the room by size, the licence counts (2 sockets, 48 cores, 3 VMs); the
// cost chart is drawn (pixels on the canvas) and its summary prices the host On-Demand. Shared with
// the partner account through RAM, the card says so. "Release" types release-hosts, which fails
// while instances run; once they are terminated, "Release" releases the host. Fails on any
// console or page error. Screenshots: tests/e2e/out/hosts-*.png.
import { runCommand, screenshot, suite, text, consoleText } from './lib.mjs';

const AMI = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

let app;
const S = suite('hosts');
const { step, waitFor } = S;

async function main() {
  app = await S.openSandbox(7);
  const { page } = app;

  step('open the Dedicated Hosts view: none yet');
  await waitFor('the open-hosts button', () => page.locator('[data-testid=open-hosts]').isVisible());
  await page.locator('[data-testid=open-hosts]').click();
  await waitFor('the hosts view', () => page.locator('[data-testid=hosts-view]').isVisible());
  await waitFor('the empty message', () => page.locator('[data-testid=hosts-empty]').isVisible());

  step('"Allocate one" types allocate-hosts; the host card appears');
  await page.locator('[data-testid=hosts-allocate]').click();
  await waitFor('allocate-hosts in the console', async () => {
    const c = await consoleText(page);
    return c.includes('aws ec2 allocate-hosts --instance-family m5 --availability-zone us-east-1a --quantity 1 --auto-placement on') && c.includes('"HostIds"');
  });
  const card = page.locator('[data-testid=dh-card]');
  await waitFor('one host card', async () => (await card.count()) === 1);
  const id = await card.getAttribute('data-host');
  if (!/^h-0[0-9a-f]{16}$/.test(id ?? '')) throw new Error(`host id: ${id}`);
  if ((await card.getAttribute('data-state')) !== 'available') throw new Error(`state: ${await card.getAttribute('data-state')}`);

  step('launch on the host: two targeted m5.4xlarge, one m5.large by auto-placement');
  await runCommand(page, `aws ec2 run-instances --image-id ${AMI} --instance-type m5.4xlarge --count 2 --placement Tenancy=host,HostId=${id},Affinity=host --query 'Instances[].InstanceId' --output text`);
  await runCommand(page, `aws ec2 run-instances --image-id ${AMI} --instance-type m5.large --placement Tenancy=host --query 'Instances[0].Placement.HostId' --output text`);
  await runCommand(page, 'lab advance 1m');
  const out = await consoleText(page);
  if (/An error occurred/.test(out)) throw new Error(`a launch failed: ${out.slice(-600)}`);

  step('the capacity bar, room by size and licence counts');
  await waitFor(async () => `17 of 48 cores in use (shows "${await text(page, '[data-testid=dh-cores]')}")`, async () => (await text(page, '[data-testid=dh-cores]')).startsWith('17 of 48 cores in use'));
  const bar = page.locator('[data-testid=dh-capacity]');
  if ((await bar.getAttribute('data-used-units')) !== '68' || (await bar.getAttribute('data-capacity-units')) !== '192') {
    throw new Error(`capacity bar: ${await bar.getAttribute('data-used-units')} of ${await bar.getAttribute('data-capacity-units')}`);
  }
  if ((await bar.locator('.host-seg').count()) !== 4) throw new Error(`expected 3 instances and the free part, got ${await bar.locator('.host-seg').count()} segments`);
  await card.locator('.host-sizes summary').click();
  const xl4 = page.locator('[data-testid=dh-size][data-type="m5.4xlarge"]');
  await waitFor('the m5.4xlarge row', () => xl4.isVisible());
  const cells = await xl4.locator('td').allTextContents();
  if (JSON.stringify(cells) !== JSON.stringify(['m5.4xlarge', '2', '3', '6'])) throw new Error(`m5.4xlarge row: ${JSON.stringify(cells)}`);
  const licence = await text(page, '[data-testid=dh-licence]');
  if (!licence.includes('2 sockets · 48 physical cores · 3 VMs (34 vCPUs)')) throw new Error(`licence: ${licence}`);

  step('the cost chart is drawn and priced');
  const canvas = page.locator('[data-testid=hosts-cost-chart]');
  await waitFor('the cost chart', () => canvas.isVisible());
  await waitFor('pixels on the chart', async () => (await canvas.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
    return ink;
  })) > 2000);
  const summary = await text(page, '[data-testid=hosts-cost-summary]');
  for (const want of [id, '$5.069/h On-Demand', '3 running instance(s)', '3-year All Upfront']) {
    if (!summary.includes(want)) throw new Error(`the cost summary lacks "${want}": ${summary}`);
  }
  console.log(`[hosts] screenshot: ${await screenshot(page, 'hosts-view.png')}`);

  step('shared with the partner account through RAM: the card says so');
  await runCommand(page, 'lab account partner');
  await runCommand(page, `aws ram create-resource-share --name licensed --resource-arns arn:aws:ec2:us-east-1:123456789012:dedicated-host/${id} --principals 210987654321 --query resourceShare.status --output text`);
  await runCommand(page, "INVITE=$(aws ram get-resource-share-invitations --profile partner --query 'resourceShareInvitations[0].resourceShareInvitationArn' --output text)");
  await runCommand(page, 'aws ram accept-resource-share-invitation --resource-share-invitation-arn $INVITE --profile partner --query resourceShareInvitation.status --output text');
  await waitFor('ACCEPTED in the console', async () => (await consoleText(page)).includes('ACCEPTED'));
  await waitFor(async () => `the shared badge (shows "${await text(page, '[data-testid=dh-shared]')}")`, async () => (await text(page, '[data-testid=dh-shared]')) === 'shared with 210987654321');

  step('"Release" types release-hosts: refused while instances run');
  await card.locator('[data-testid=dh-release]').click();
  await waitFor('the refusal in the console', async () => {
    const c = await consoleText(page);
    return c.includes(`aws ec2 release-hosts --host-ids ${id}`) && c.includes('"Code": "IncorrectState"');
  });
  if ((await card.getAttribute('data-state')) !== 'available') throw new Error('the host changed state');

  step('terminate its instances, then "Release" releases it');
  await runCommand(page, `aws ec2 terminate-instances --instance-ids $(aws ec2 describe-instances --filters Name=host-id,Values=${id} --query 'Reservations[].Instances[].InstanceId' --output text) --query 'TerminatingInstances[].CurrentState.Name' --output text`);
  await runCommand(page, 'lab advance 2m');
  await waitFor('0 of 48 cores in use', async () => (await text(page, '[data-testid=dh-cores]')).startsWith('0 of 48 cores in use'));
  await page.locator('[data-testid=dh-card] [data-testid=dh-release]').click();
  await waitFor('the host released', async () => (await page.locator('[data-testid=dh-card]').getAttribute('data-state')) === 'released');
  console.log(`[hosts] screenshot: ${await screenshot(page, 'hosts-released.png')}`);

  step('close: the datacenter is back');
  await page.locator('[data-testid=identity-close]').click();
  await waitFor('the view closed', async () => (await page.locator('[data-testid=hosts-view]').count()) === 0);
  if (app.errors.length) throw new Error(`browser reported errors:\n  ${app.errors.join('\n  ')}`);
  await app.close();
  S.pass();
}

S.run(main);
