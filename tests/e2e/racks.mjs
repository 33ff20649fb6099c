// ec2lab browser test of the rack view: group colours, fault buttons, blast radius.
//
//   node tests/e2e/racks.mjs      (needs a release build in dist/: trunk build --release)
//
// Creates a cluster, a spread and a partition placement group with instances through the
// console, checks that the rack map draws every rack of every AZ while only the racks in use are
// cards, that chips wear their group's colour (the legend's) and partition number; then chooses
// the cluster's rack, presses "Fail power", checks that the `lab fail rack … --power` command was
// typed into the console, that the rack is drawn as failed and that the blast radius panel shows
// every member of the cluster hit (before: none), the spread group at most one; then repairs it
// with the Repair button and "Repair all". Fails on any console or page error. Screenshots:
// tests/e2e/out/racks.png (after the fault) and racks-repaired.png.
import { openApp, runCommand, screenshot, suite, consoleText, text } from './lib.mjs';

const IMAGE = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const run = (n, group) => `aws ec2 run-instances --image-id ${IMAGE} --instance-type m5.large --count ${n} --placement GroupName=${group}`;
const SETUP = [
  'aws ec2 create-placement-group --group-name web-cluster --strategy cluster',
  'aws ec2 create-placement-group --group-name web-spread --strategy spread',
  'aws ec2 create-placement-group --group-name hdfs --strategy partition --partition-count 3',
  run(4, 'web-cluster'),
  run(3, 'web-spread'),
  run(6, 'hdfs'),
  'lab advance 2m',
];
const DC = '[data-testid=datacenter]';
const CHIPS = `${DC} [data-testid=instance-chip]`;

let app;
const S = suite('racks');
const { step, waitFor } = S;

/** The blast radius row of a group as {members, before, after, text}, or null. */
async function blastRow(page, group) {
  const row = page.locator(`[data-testid=blast-row][data-group="${group}"]`);
  if ((await row.count()) === 0) return null;
  const attr = async (a) => Number(await row.first().getAttribute(a));
  return { members: await attr('data-members'), before: await attr('data-hit-before'), after: await attr('data-hit-after'), text: (await row.first().innerText()).replace(/\s+/g, ' ') };
}

async function main() {
  step('serve dist/ and launch Chromium');
  app = S.app = await openApp({ viewport: { width: 1600, height: 1000 } });
  const { page, url } = app;
  await page.goto(`${url}/sandbox`, { waitUntil: 'load' });
  await waitFor('the console input', () => page.locator('[data-testid=console-input]').first().isVisible());

  step('every AZ has a rack map with all its racks; no rack cards while nothing runs');
  await waitFor('six rack maps', async () => (await page.locator(`${DC} [data-testid=rack-map]`).count()) === 6);
  const cells = await page.locator(`${DC} [data-testid=rack-cell]`).count();
  if (cells !== 528) throw new Error(`expected 528 racks in the maps (6 AZs × 11 families × 8), got ${cells}`);
  const emptyCards = await page.locator(`${DC} [data-testid=rack]`).count();
  if (emptyCards !== 0) throw new Error(`expected no rack cards before any launch, got ${emptyCards}`);

  step('three placement groups and 13 instances through the console');
  for (const cmd of SETUP) await runCommand(page, cmd);
  await waitFor(async () => `13 running chips (states: ${JSON.stringify(await page.locator(CHIPS).evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))))})`, async () => {
    const states = await page.locator(CHIPS).evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    return states.length === 13 && states.every((s) => s === 'running');
  }, { timeoutMs: 30000 });
  const out = await consoleText(page);
  if (/An error occurred/.test(out)) throw new Error(`a setup command failed: ${out.slice(-800)}`);

  step('chips wear their group colour (as in the legend) and partition number');
  const colours = {};
  for (const g of ['web-cluster', 'web-spread', 'hdfs']) {
    const chips = page.locator(`${CHIPS}[data-group="${g}"]`);
    const bgs = await chips.evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    if (bgs.length === 0) throw new Error(`no chips of group ${g}`);
    if (new Set(bgs).size !== 1) throw new Error(`group ${g} has several colours: ${bgs}`);
    const legend = page.locator(`${DC} [data-testid=legend-group][data-group="${g}"]`);
    const legendBg = await legend.evaluate((e) => getComputedStyle(e).backgroundColor);
    if (legendBg !== bgs[0]) throw new Error(`group ${g}: chips ${bgs[0]}, legend ${legendBg}`);
    colours[g] = bgs[0];
  }
  if (new Set(Object.values(colours)).size !== 3) throw new Error(`groups share a colour: ${JSON.stringify(colours)}`);
  const parts = await page.locator(`${CHIPS}[data-group="hdfs"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-p')).sort());
  if (parts.join(',') !== 'P1,P1,P2,P2,P3,P3') throw new Error(`hdfs partitions: ${parts}`);
  console.log(`[racks]   colours ${JSON.stringify(colours)}`);
  const cards = await page.locator(`${DC} [data-testid=rack]`).count();
  if (cards < 3 || cards > 13) throw new Error(`expected only the racks in use as cards (3..13), got ${cards}`);
  console.log(`[racks]   ${cards} rack cards in use, 528 racks in the maps`);

  step("find the cluster's rack and choose it");
  const clusterRacks = await page.locator(`${CHIPS}[data-group="web-cluster"]`).evaluateAll((els) => [
    ...new Set(els.map((e) => e.closest('[data-testid=rack]')?.getAttribute('data-rack-id'))),
  ]);
  if (clusterRacks.length !== 1 || !clusterRacks[0]) throw new Error(`cluster members on racks ${JSON.stringify(clusterRacks)}`);
  const rackId = clusterRacks[0];
  console.log(`[racks]   web-cluster is on ${rackId}`);
  const rack = page.locator(`${DC} [data-testid=rack][data-rack-id="${rackId}"]`);
  await rack.locator('.rack-head').click();
  await waitFor(async () => `the fault target to be the rack (shows "${await text(page, '[data-testid=fault-target]')}")`, async () => (await text(page, '[data-testid=fault-target]')) === `rack ${rackId}`);

  step('press "Fail power": the command is typed into the console');
  await page.locator('[data-testid=btn-fail-power]').click();
  const failCmd = `lab fail rack ${rackId} --power`;
  await waitFor(`the console to show "${failCmd}"`, async () => (await consoleText(page)).includes(failCmd));

  step('the rack is drawn as failed, in its card and in the map');
  await waitFor(async () => `rack ${rackId} data-power=down (is ${await rack.getAttribute('data-power')}; console: ${(await consoleText(page)).slice(-300)})`, async () => (await rack.getAttribute('data-power')) === 'down', { timeoutMs: 10000 });
  const status = await rack.locator('[data-testid=rack-status]').innerText();
  if (!/POWER DOWN/.test(status)) throw new Error(`rack status: "${status}"`);
  await waitFor('the rack map to draw the failed rack', async () => {
    const d = await page.locator(`${DC} .rack-map .m-power`).evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? '').join(''));
    return d.includes('M');
  }, { timeoutMs: 5000 });

  step('the blast radius panel: the whole cluster is hit, before none');
  await runCommand(page, 'lab advance 2m');
  await waitFor('the blast radius panel', () => page.locator('[data-testid=blast-radius]').isVisible());
  await waitFor(async () => `web-cluster fully hit (row: ${JSON.stringify(await blastRow(page, 'web-cluster'))})`, async () => {
    const r = await blastRow(page, 'web-cluster');
    return r && r.members === 4 && r.after === 4 && r.before === 0;
  }, { timeoutMs: 10000 });
  const spread = await blastRow(page, 'web-spread');
  if (!spread || spread.after > 1) throw new Error(`spread group: at most one member per rack can be hit: ${JSON.stringify(spread)}`);
  const hdfs = await blastRow(page, 'hdfs');
  if (!hdfs || hdfs.after > 2) throw new Error(`partition group: at most one partition (2 members) can be hit: ${JSON.stringify(hdfs)}`);
  const change = await text(page, '[data-testid=blast-change]');
  if (!change.includes(rackId)) throw new Error(`the panel does not say what changed: "${change}"`);
  for (const g of ['web-cluster', 'web-spread', 'hdfs']) console.log(`[racks]   ${(await blastRow(page, g)).text}`);
  console.log(`[racks] screenshot: ${await screenshot(page, 'racks.png')}`);

  step('press "Repair": the rack is back');
  await page.locator('[data-testid=btn-repair]').click();
  await waitFor(`the console to show "lab repair rack ${rackId}"`, async () => (await consoleText(page)).includes(`lab repair rack ${rackId}`));
  await waitFor('the rack powered again', async () => (await rack.getAttribute('data-power')) === 'ok', { timeoutMs: 10000 });

  step('choose an AZ by its header; "Repair all" types its command');
  const az = page.locator(`${DC} [data-testid^=az-us-east-1]`).first();
  const azName = await az.getAttribute('data-az');
  await az.locator('.az-head').click();
  await waitFor('the AZ as the fault target', async () => (await text(page, '[data-testid=fault-target]')) === `AZ ${azName}`);
  await page.locator('[data-testid=btn-repair-all]').click();
  await waitFor('the console to show "lab repair all"', async () => (await consoleText(page)).includes('lab repair all'));

  step('the chips still select instances');
  await page.locator(`${CHIPS}[data-group="web-cluster"]`).first().click();
  await waitFor('the instance pane to show the instance', async () => /\bi-[0-9a-f]{17}\b/.test(await page.locator('[data-testid=instance-pane]').innerText()));
  console.log(`[racks] screenshot: ${await screenshot(page, 'racks-repaired.png')}`);

  step('no console errors or page errors');
  if (app.errors.length) throw new Error(`browser reported errors:\n  ${app.errors.join('\n  ')}`);
  await app.close();
  S.pass();
}

S.run(main);
