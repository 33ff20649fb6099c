// Browser benchmark (not a test: no timed assertions): how long the datacenter view takes to
// redraw with 2,000 instances after one more launch.
//
//   node tests/e2e/bench.mjs      (needs a release build in dist/; scripts/bench does it all)
//
// Builds up 2,000 instances through the console (20 × run-instances --count 100, then
// `lab advance 2m`), then, BENCH_REPS times (default 7), submits one more run-instances and
// measures, inside the page, from the Enter keydown to the first animation frame after the new
// chip is in the DOM. That is the rack view as it opens: the racks in use as cards, every rack
// in the SVG maps. Then the same with "All racks" ticked (all 528 racks as cards), and two single
// figures: ticking "All racks" itself, and a fault (choose a rack in use, "Fail power", until the
// rack is drawn failed). Prints each figure and the medians; the last line is machine-readable:
//   BENCH redraw_median_ms=… redraw_min_ms=… redraw_max_ms=… reps=… instances=… rack_cards=…
//         all_racks_median_ms=… all_racks_min_ms=… all_racks_max_ms=… show_all_ms=… fault_ms=…
import { openApp, runCommand, chipCount, screenshot, waitFor as waitForAny } from './lib.mjs';

const IMAGE = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const run = (n) => `aws ec2 run-instances --image-id ${IMAGE} --instance-type t3.micro --count ${n}`;
const TARGET = Number(process.env.BENCH_INSTANCES ?? 2000);
const REPS = Number(process.env.BENCH_REPS ?? 7);

let app;
const waitFor = (what, fn, opts = {}) => waitForAny(what, fn, { ...opts, errors: app?.errors });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  app = await openApp({ viewport: { width: 1600, height: 1000 } });
  const { page, url } = app;
  await page.goto(`${url}/sandbox`, { waitUntil: 'load' });
  await waitFor('the console input', () => page.locator('[data-testid=console-input]').first().isVisible());

  console.log(`[bench] launching ${TARGET} instances through the console`);
  const t0 = Date.now();
  while ((await chipCount(page)) < TARGET) {
    const have = await chipCount(page);
    const n = Math.min(100, TARGET - have);
    await runCommand(page, run(n));
    await waitFor(`${have + n} instance chips`, async () => (await chipCount(page)) >= have + n, { timeoutMs: 120000 });
  }
  await runCommand(page, 'lab advance 2m');
  await page.waitForTimeout(500);
  console.log(`[bench] ${await chipCount(page)} instances up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  // Record when Enter goes down in the console input (capture phase: before the app sees it).
  await page.evaluate(() => {
    window.__ec2labBench = { t0: 0 };
    window.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Enter' && e.target.closest?.('[data-testid=console-input]')) window.__ec2labBench.t0 = performance.now();
      },
      true,
    );
  });

  // One more launch, REPS times: Enter keydown -> first frame after the new chip is in the DOM.
  const redraws = async (label) => {
    const samples = [];
    for (let i = 0; i < REPS; i++) {
      const before = await chipCount(page);
      await page.evaluate((target) => {
        window.__ec2labBench.done = new Promise((resolve) => {
          const count = () => document.querySelectorAll('[data-testid=datacenter] [data-testid=instance-chip]').length;
          const obs = new MutationObserver(() => {
            if (count() >= target) {
              obs.disconnect();
              requestAnimationFrame(() => resolve(performance.now() - window.__ec2labBench.t0));
            }
          });
          obs.observe(document.body, { childList: true, subtree: true });
        });
      }, before + 1);
      await runCommand(page, run(1));
      const ms = await page.evaluate(() => window.__ec2labBench.done);
      samples.push(ms);
      console.log(`[bench] ${label} redraw ${i + 1}/${REPS} with ${before + 1} instances: ${ms.toFixed(1)} ms`);
      await page.waitForTimeout(300);
    }
    return samples;
  };
  // A click on `selector`, then the first frame once `until` holds: {count: sel, atLeast|below: n}
  // or {attr: [sel, name, value]}.
  const afterClick = async (selector, until) => {
    await page.evaluate(([sel, u]) => {
      const done = () => {
        if (u.attr) return document.querySelector(u.attr[0])?.getAttribute(u.attr[1]) === u.attr[2];
        const n = document.querySelectorAll(u.count).length;
        return u.atLeast !== undefined ? n >= u.atLeast : n < u.below;
      };
      window.__ec2labBench.click = new Promise((resolve) => {
        const t0 = performance.now();
        const check = () => {
          if (done()) requestAnimationFrame(() => resolve(performance.now() - t0));
          else requestAnimationFrame(check);
        };
        document.querySelector(sel).click();
        check();
      });
    }, [selector, until]);
    return page.evaluate(() => window.__ec2labBench.click);
  };

  const samples = await redraws('racks in use:');
  const rackCards = await page.locator('[data-testid=datacenter] [data-testid=rack]').count();
  console.log(`[bench] ${rackCards} rack cards in use`);

  const RACKS = '[data-testid=datacenter] [data-testid=rack]';
  const showAllMs = await afterClick('[data-testid=show-all-racks]', { count: RACKS, atLeast: 528 });
  console.log(`[bench] ticking "All racks" (528 rack cards): ${showAllMs.toFixed(1)} ms`);
  await page.waitForTimeout(500);
  const allSamples = await redraws('all racks:');
  await afterClick('[data-testid=show-all-racks]', { count: RACKS, below: 528 });
  await page.waitForTimeout(500);

  // A fault on a rack in use (the first chip's), from the button click to the rack drawn failed.
  const rackId = await page.locator('[data-testid=datacenter] [data-testid=instance-chip]').first().evaluate((e) => e.closest('[data-testid=rack]')?.getAttribute('data-rack-id'));
  await page.locator(`[data-testid=rack][data-rack-id="${rackId}"] .rack-head`).click();
  const faultMs = await afterClick('[data-testid=btn-fail-power]', { attr: [`[data-testid=rack][data-rack-id="${rackId}"]`, 'data-power', 'down'] });
  console.log(`[bench] "Fail power" on ${rackId} until it is drawn failed: ${faultMs.toFixed(1)} ms`);

  if (app.errors.length) throw new Error(`browser reported errors:\n  ${app.errors.join('\n  ')}`);
  console.log(`[bench] screenshot: ${await screenshot(page, 'bench.png')}`);
  const instances = await chipCount(page);
  await app.close();
  const f = (x) => x.toFixed(1);
  console.log(`[bench] median ${f(median(samples))} ms over ${REPS} redraws (min ${f(Math.min(...samples))}, max ${f(Math.max(...samples))})`);
  console.log(`[bench] all racks: median ${f(median(allSamples))} ms (min ${f(Math.min(...allSamples))}, max ${f(Math.max(...allSamples))})`);
  console.log(
    `BENCH redraw_median_ms=${f(median(samples))} redraw_min_ms=${f(Math.min(...samples))} redraw_max_ms=${f(Math.max(...samples))} reps=${REPS} instances=${instances} rack_cards=${rackCards}` +
      ` all_racks_median_ms=${f(median(allSamples))} all_racks_min_ms=${f(Math.min(...allSamples))} all_racks_max_ms=${f(Math.max(...allSamples))} show_all_ms=${f(showAllMs)} fault_ms=${f(faultMs)}`,
  );
}

main().catch(async (err) => {
  console.error(`[bench] FAIL: ${err.message}`);
  if (app?.errors.length) console.error(`[bench] browser errors:\n  ${app.errors.join('\n  ')}`);
  await app?.close().catch(() => {});
  console.log('BENCH error=browser-bench-failed');
  process.exit(1);
});
