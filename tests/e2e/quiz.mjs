// ec2lab browser test of practice quizzes and the timed practice exam.
//
//   node tests/e2e/quiz.mjs       (needs a release build in dist/: trunk build --release)
//
// Opens /quiz/ec2-basics, answers the first question (the first option(s)), sees the feedback
// with a verdict and an explanation for every option, finds the attempt saved in progress, goes
// to the next question, opens an unknown topic (a friendly message with a link home). Then opens
// /exam, starts a 10-question exam (20 minutes), answers a few questions, marks one for review,
// reloads and finds the exam resumed, opens the review screen, finishes, sees a score out of 1000
// with PASS/FAIL, results by topic and the result in the exam history. Finally puts garbage in
// the saved exam's localStorage key and sees it discarded with a message, not a crash. Fails on
// any console error or page error. Screenshots: tests/e2e/out/quiz.png (feedback) and
// tests/e2e/out/exam-result.png.
import fs from 'node:fs';
import path from 'node:path';
import { openApp, screenshot, suite, REPO_ROOT } from './lib.mjs';

const PROGRESS_KEY = 'ec2lab.progress.v1';
const EXAM_KEY = 'ec2lab.exam.v1';
let app;
const S = suite('quiz');
const { step, waitFor } = S;

const tid = (page, testid) => page.locator(`[data-testid="${testid}"]`).first();
const visible = (page, testid) => tid(page, testid).isVisible();
/** A topic of topics.toml that no question file names yet (null when every topic has some). */
function topicWithoutQuestions() {
  const content = path.join(REPO_ROOT, 'lessons', 'content');
  const topics = [...fs.readFileSync(path.join(content, 'topics.toml'), 'utf8').matchAll(/^id\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
  const dir = path.join(content, 'questions');
  const named = new Set();
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.toml'))) {
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/^topic\s*=\s*"([^"]+)"/gm)) named.add(m[1]);
  }
  return topics.find((t) => !named.has(t)) ?? null;
}

const WORDS = { one: 1, two: 2, three: 3, four: 4, five: 5 };

/** How many options the shown question wants: 1, or N from its "(Choose N.)" note. */
async function howMany(page, noteTestid) {
  if (!(await page.locator(`[data-testid="${noteTestid}"]`).count())) return 1;
  const text = (await tid(page, noteTestid).textContent()) ?? '';
  const m = text.match(/Choose (\w+)/);
  return m ? WORDS[m[1]] ?? (Number(m[1]) || 2) : 2;
}

async function storedJson(page, key) {
  const raw = await page.evaluate((k) => window.localStorage.getItem(k), key);
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

async function main() {
  step('serve dist/ and launch Chromium');
  app = S.app = await openApp();
  const { page, url } = app;

  // ---------------------------------------------------------------- practice by topic
  step(`open ${url}/quiz/ec2-basics`);
  await page.goto(`${url}/quiz/ec2-basics`, { waitUntil: 'load' });
  await waitFor('the quiz page', () => visible(page, 'quiz-page'));
  await waitFor('the first question', () => visible(page, 'quiz-question'));
  const firstId = await tid(page, 'quiz-question').getAttribute('data-question-id');
  const scenario = (await page.locator('[data-testid=quiz-question] .qx-scenario').first().innerText()).trim();
  if (scenario.length < 20) throw new Error(`the scenario looks empty: ${JSON.stringify(scenario)}`);

  step('submit with nothing chosen: an error to fix, not a wrong answer');
  await tid(page, 'btn-submit-answer').click();
  await waitFor('an error message', async () => ((await tid(page, 'quiz-error').textContent()) ?? '').includes('hoose'));
  if (await page.locator('[data-testid=quiz-feedback]').count()) throw new Error('feedback shown for an empty answer');

  step(`answer question ${firstId} with the first option(s)`);
  const need = await howMany(page, 'quiz-choose');
  for (let i = 0; i < need; i++) await tid(page, `quiz-option-${i}`).click();
  await tid(page, 'btn-submit-answer').click();
  await waitFor('the feedback', () => visible(page, 'quiz-feedback'));
  const correct = await tid(page, 'quiz-feedback').getAttribute('data-correct');
  if (correct !== 'true' && correct !== 'false') throw new Error(`quiz-feedback data-correct is ${correct}`);
  const feedback = await tid(page, 'quiz-feedback').innerText();
  if (!feedback.includes('The right answer')) throw new Error(`feedback without the right answer: ${feedback.slice(0, 300)}`);
  if (!feedback.includes('The fact tested')) throw new Error(`feedback without the fact tested: ${feedback.slice(0, 300)}`);
  const whys = await page.locator('[data-testid=quiz-feedback] .qx-why-text').evaluateAll((els) => els.map((e) => e.textContent.trim()));
  if (whys.length < 2 || whys.some((w) => w.length < 10)) throw new Error(`expected an explanation per option, got ${JSON.stringify(whys)}`);
  console.log(`[quiz]   answered ${firstId}: correct=${correct}; ${whys.length} explanations`);
  await screenshot(page, 'quiz.png');

  step('the attempt is saved in progress');
  await waitFor('quiz_history with one attempt in localStorage', async () => {
    const p = await storedJson(page, PROGRESS_KEY);
    return p?.quiz_history?.length === 1 && p.quiz_history[0].question_id === firstId;
  });
  const score = (await tid(page, 'quiz-score').textContent()) ?? '';
  if (!score.includes(`${correct === 'true' ? 1 : 0} / 1`)) throw new Error(`running score is "${score}"`);

  step('next question');
  await tid(page, 'btn-next-question').click();
  await waitFor('a different question without feedback', async () => {
    const id = await tid(page, 'quiz-question').getAttribute('data-question-id');
    return id && id !== firstId && (await page.locator('[data-testid=quiz-feedback]').count()) === 0;
  });

  step('a question with a try_it script opens the lab in its state');
  const qdir = path.join(REPO_ROOT, 'lessons', 'content', 'questions');
  let tryQ = null;
  const tryIds = new Set();
  for (const f of fs.readdirSync(qdir).filter((f) => f.endsWith('.toml')).sort()) {
    for (const block of fs.readFileSync(path.join(qdir, f), 'utf8').split(/^\[\[questions\]\]\s*$/m).slice(1)) {
      const id = block.match(/^id\s*=\s*"([^"]+)"/m)?.[1];
      const script = block.match(/^try_it\s*=\s*"""\n?([\s\S]*?)"""/m)?.[1];
      const first = script?.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
      if (id && first) { tryIds.add(id); tryQ ??= { id, first }; }
    }
  }
  if (!tryQ) throw new Error('no question with a try_it script found in the bank');
  await page.goto(`${url}/sandbox?try=${tryQ.id}`, { waitUntil: 'load' });
  await waitFor(`the try_it command of ${tryQ.id} in the console`, async () =>
    ((await tid(page, 'console-output').innerText()) ?? '').includes(tryQ.first.slice(0, 60)));
  console.log(`[quiz]   /sandbox?try=${tryQ.id} ran: ${tryQ.first.slice(0, 60)}…`);
  await page.goto(`${url}/quiz/ec2-basics`, { waitUntil: 'load' });
  await waitFor('the first question', () => visible(page, 'quiz-question'));
  for (let i = 0; i < 40; i++) {
    const id = await tid(page, 'quiz-question').getAttribute('data-question-id');
    if (tryIds.has(id)) {
      await waitFor('the quiz-try-it link', async () => (await tid(page, 'quiz-try-it').getAttribute('href')) === `/sandbox?try=${id}`);
      console.log(`[quiz]   quiz-try-it link shown for ${id}`);
      break;
    }
    if (await page.locator('[data-testid=quiz-try-it]').count()) throw new Error(`quiz-try-it shown for ${id}, which has no try_it`);
    if (!(await page.locator('[data-testid=quiz-option-0]').count())) break;
    const n = await howMany(page, 'quiz-choose');
    for (let k = 0; k < n; k++) await tid(page, `quiz-option-${k}`).click();
    await tid(page, 'btn-submit-answer').click();
    await waitFor('the feedback', () => visible(page, 'quiz-feedback'));
    if (!(await page.locator('[data-testid=btn-next-question]').count())) break;
    await tid(page, 'btn-next-question').click();
    await waitFor('the next question', async () =>
      (await page.locator('[data-testid=quiz-feedback]').count()) === 0 || (await page.locator('[data-testid=quiz-done]').count()) > 0);
    if (await page.locator('[data-testid=quiz-done]').count()) break;
  }

  step('an unknown topic: a friendly message with a link home');
  await page.goto(`${url}/quiz/no-such-topic`, { waitUntil: 'load' });
  await waitFor('the notice', () => visible(page, 'quiz-notice'));
  if (!(await tid(page, 'quiz-notice').innerText()).includes('no-such-topic')) throw new Error('the notice does not name the topic');
  if ((await tid(page, 'link-home').getAttribute('href')) !== '/') throw new Error('no link home');

  const empty = topicWithoutQuestions();
  if (empty) {
    step(`a topic with no questions yet (${empty}) says so`);
    await page.goto(`${url}/quiz/${empty}`, { waitUntil: 'load' });
    await waitFor('the notice', () => visible(page, 'quiz-notice'));
    const text = await tid(page, 'quiz-notice').innerText();
    if (!text.includes('no practice questions yet')) throw new Error(`the notice says: ${text.slice(0, 200)}`);
  }

  // ---------------------------------------------------------------- the timed exam
  step(`open ${url}/exam and start a 10-question exam`);
  await page.goto(`${url}/exam`, { waitUntil: 'load' });
  await waitFor('the exam page', () => visible(page, 'exam-page'));
  await tid(page, 'exam-length-10').click();
  const lengthText = await tid(page, 'exam-length-10').innerText();
  if (!lengthText.includes('20 minutes')) throw new Error(`10 questions should take 20 minutes: "${lengthText}"`);
  await tid(page, 'btn-start-exam').click();
  await waitFor('the first exam question', () => visible(page, 'exam-question'));
  const timer = (await tid(page, 'exam-timer').textContent()) ?? '';
  if (!/(19:[0-5]\d|20:00)/.test(timer)) throw new Error(`the timer should start near 20:00, shows "${timer}"`);

  step('answer three questions, mark the second for review');
  for (let q = 0; q < 3; q++) {
    const n = await howMany(page, 'exam-choose');
    for (let i = 0; i < n; i++) await tid(page, `exam-option-${i}`).click();
    if (q === 1) await tid(page, 'btn-mark').click();
    await tid(page, 'btn-next').click();
  }
  const navClasses = async () => page.locator('[data-testid^=exam-nav-]').evaluateAll((els) => els.map((e) => e.className));
  await waitFor(async () => `3 answered and 1 marked in the navigator (${JSON.stringify(await navClasses())})`, async () => {
    const c = await navClasses();
    return c.length === 10 && c.filter((x) => x.includes('answered')).length === 3 && c[1].includes('marked');
  });
  await waitFor('the exam saved in localStorage', async () => (await storedJson(page, EXAM_KEY))?.answers?.filter(Boolean).length === 3);

  await screenshot(page, 'exam.png');

  step('reload: the exam resumes');
  await page.reload({ waitUntil: 'load' });
  await waitFor('the exam question again', () => visible(page, 'exam-question'));
  await waitFor('3 answered after the reload', async () => (await navClasses()).filter((x) => x.includes('answered')).length === 3);
  await waitFor('the restored message', async () => ((await tid(page, 'exam-message').textContent()) ?? '').includes('restored'));

  step('previous / next, review screen, finish');
  await tid(page, 'btn-next').click();
  await tid(page, 'btn-prev').click();
  await tid(page, 'btn-review').click();
  await waitFor('the review screen', () => visible(page, 'exam-review'));
  const review = await tid(page, 'exam-review').innerText();
  if (!review.includes('3 answered, 7 unanswered, 1 marked')) throw new Error(`review says: ${review.slice(0, 200)}`);
  await tid(page, 'exam-review-1').click();
  await waitFor('question 2 again', async () => ((await tid(page, 'exam-question').textContent()) ?? '').includes('Question 2 of 10'));
  await tid(page, 'btn-finish-exam').click();
  await waitFor('the review screen with a warning about 7 unanswered', async () =>
    ((await tid(page, 'exam-finish-warning').textContent()) ?? '').includes('7 questions are still unanswered'));
  await tid(page, 'btn-finish-exam').click();
  await waitFor('the result', () => visible(page, 'exam-result'));
  const scoreText = (await tid(page, 'exam-score').textContent()) ?? '';
  const m = scoreText.match(/(\d+) \/ 1000/);
  if (!m || +m[1] < 100 || +m[1] > 1000) throw new Error(`score is "${scoreText}"`);
  const verdict = ((await tid(page, 'exam-verdict').textContent()) ?? '').trim();
  if (verdict !== (+m[1] >= 720 ? 'PASS' : 'FAIL')) throw new Error(`verdict ${verdict} for ${m[1]}`);
  if ((await page.locator('[data-testid=exam-by-topic] tbody tr').count()) < 1) throw new Error('no results by topic');
  if ((await page.locator('[data-testid^=exam-answer-]').count()) !== 10) throw new Error('not every question explained');
  console.log(`[quiz]   exam score ${m[1]} / 1000, ${verdict}`);
  await screenshot(page, 'exam-result.png');

  step('the result is in the exam history; the saved exam is gone');
  await waitFor('exam_history with one result', async () => (await storedJson(page, PROGRESS_KEY))?.exam_history?.length === 1);
  const saved = await page.evaluate((k) => window.localStorage.getItem(k), EXAM_KEY);
  if (saved !== null) throw new Error('the finished exam is still saved for resuming');

  step('time-out: an exam whose deadline passes finishes by itself');
  await tid(page, 'btn-new-exam').click();
  await tid(page, 'exam-length-10').click();
  await tid(page, 'btn-start-exam').click();
  await waitFor('the first exam question', () => visible(page, 'exam-question'));
  await tid(page, 'exam-option-0').click();
  await waitFor('the exam saved', async () => (await storedJson(page, EXAM_KEY))?.started_ms > 0);
  // Move the start back so that the deadline is 2.5 s away, then reload.
  await page.evaluate((k) => {
    const e = JSON.parse(window.localStorage.getItem(k));
    e.started_ms = Date.now() - e.limit_ms + 2500;
    window.localStorage.setItem(k, JSON.stringify(e));
  }, EXAM_KEY);
  await page.reload({ waitUntil: 'load' });
  await waitFor('the resumed exam with under 3 s left', async () => /00:0[0-3]/.test((await tid(page, 'exam-timer').textContent()) ?? ''));
  await waitFor('the result after the time-out', () => visible(page, 'exam-result'), { timeoutMs: 10000 });
  await waitFor('the time-up message', async () => ((await tid(page, 'exam-message').textContent()) ?? '').includes('Time is up'));
  if (!(await tid(page, 'exam-result').innerText()).includes('time ran out')) throw new Error('the result does not say the time ran out');
  await waitFor('exam_history with two results', async () => (await storedJson(page, PROGRESS_KEY))?.exam_history?.length === 2);

  step('a corrupted saved exam is discarded with a message');
  await page.evaluate((k) => window.localStorage.setItem(k, '{"seed": 1, "questions": [garbage'), EXAM_KEY);
  await page.reload({ waitUntil: 'load' });
  await waitFor('the discard message', async () => ((await tid(page, 'exam-message').textContent()) ?? '').includes('discarded'));
  await waitFor('the exam setup', () => visible(page, 'btn-start-exam'));
  const after = await page.evaluate((k) => window.localStorage.getItem(k), EXAM_KEY);
  if (after !== null) throw new Error('the corrupted value is still in storage');

  step('no console errors or page errors');
  await app.close();
  S.pass();
}

S.run(main);
