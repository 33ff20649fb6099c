// Browser benchmark (not a test: no timed assertions): how long the datacenter view takes to
// redraw with 2,000 instances after one more launch.
//
//   node tests/e2e/bench.mjs      (needs a release build in dist/; scripts/bench does it all)
//
// Builds up 2,000 instances through the console (20 × run-instances --count 100, then
// `lab advance 2m`), then, BENCH_REPS times (default 7), submits one more run-instances and
// measures, inside the page, from the Enter keydown to the first animation frame after the new
// chip is in the DOM. Prints each figure and the median; the last line is machine-readable:
//   BENCH redraw_median_ms=… redraw_min_ms=… redraw_max_ms=… reps=… instances=…
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
    console.log(`[bench] redraw ${i + 1}/${REPS} with ${before + 1} instances: ${ms.toFixed(1)} ms`);
    await page.waitForTimeout(300);
  }
  if (app.errors.length) throw new Error(`browser reported errors:\n  ${app.errors.join('\n  ')}`);
  console.log(`[bench] screenshot: ${await screenshot(page, 'bench.png')}`);
  const instances = await chipCount(page);
  await app.close();
  const f = (x) => x.toFixed(1);
  console.log(`[bench] median ${f(median(samples))} ms over ${REPS} redraws (min ${f(Math.min(...samples))}, max ${f(Math.max(...samples))})`);
  console.log(
    `BENCH redraw_median_ms=${f(median(samples))} redraw_min_ms=${f(Math.min(...samples))} redraw_max_ms=${f(Math.max(...samples))} reps=${REPS} instances=${instances}`,
  );
}

main().catch(async (err) => {
  console.error(`[bench] FAIL: ${err.message}`);
  if (app?.errors.length) console.error(`[bench] browser errors:\n  ${app.errors.join('\n  ')}`);
  await app?.close().catch(() => {});
  console.log('BENCH error=browser-bench-failed');
  process.exit(1);
});
