// Plays a whole intervision meeting (incident method) in the sandbox, in a real browser.
//
//   node tests/js/sandbox-meeting.mjs BASE_URL SCREENSHOT_DIR [nl|en]
//
// Switches roles like a person would (the "You are" switcher), follows the card's
// "Turn:" for the rounds in turn, and saves a full-page screenshot per phase. Exits 0 and
// prints "REPORT OK" when the report appeared in the channel; exits 1 otherwise.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, outDir, locale = 'en'] = process.argv.slice(2);
if (!base || !outDir) {
  console.error('usage: sandbox-meeting.mjs BASE_URL SCREENSHOT_DIR [nl|en]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const words = {
  en: {
    title: 'A parent <script>alert(1)</script> who keeps calling',
    question: 'How do I set a boundary without losing the contact?',
    description: 'Every evening a parent calls me at home about their child.',
    say: (who, phase) => `${who} in ${phase}: what exactly happened then?`,
    takeaway: 'I will agree fixed call times with the parent, starting Monday.',
    rating: '4 - useful',
    report: 'Report ·',
  },
  nl: {
    title: 'Een ouder <script>alert(1)</script> die blijft bellen',
    question: 'Hoe stel ik een grens zonder het contact te verliezen?',
    description: 'Elke avond belt een ouder mij thuis over het kind.',
    say: (who, phase) => `${who} in ${phase}: wat gebeurde er toen precies?`,
    takeaway: 'Ik spreek vaste beltijden af met de ouder, vanaf maandag.',
    rating: '4 - nuttig',
    report: 'Verslag ·',
  },
}[locale];

// The incident method's phases, then the closing every meeting shares. "turn" follows the
// card's "Turn:"; a list names who speaks in a free round or the case owner's round.
const plan = [
  ['sketch', ['anna']],
  ['information_questions', 'turn', ['anna']],
  ['analysis', ['bram', 'carmen']],
  ['what_would_i_do', 'turn'],
  ['what_i_did', ['anna']],
  ['closing_discussion', ['carmen', 'daan']],
  ['takeaway', ['anna']],
  ['evaluation', 'turn'],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let shot = 0;
let ok = false;
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on('dialog', async (dialog) => { console.error('UNEXPECTED DIALOG', dialog.message()); await dialog.dismiss(); });

async function go(action) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  const flashes = await page.locator('.flash').allInnerTexts();
  for (const text of flashes) console.log('  flash:', text.trim());
}
const click = (selector) => go(() => page.locator(selector).first().click());
async function screenshot(name) {
  shot += 1;
  const file = join(outDir, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log('screenshot', file);
}
async function be(person) {
  await page.selectOption('#person', person);
  await click('#role-switch button');
}
async function press(action) {
  await click(`main button[data-action="${action}"]`);
}
async function contribute(person, text) {
  await be(person);
  const form = page.locator('form[data-form="form.contribute"]');
  await form.locator('textarea[name="text"]').fill(text);
  await go(() => form.locator('button[type="submit"]').click());
}
async function turn() {
  const mention = page.locator('main article.meeting p.context span.mention').first();
  return (await mention.count()) ? mention.getAttribute('data-person') : null;
}

try {
  await page.goto(base, { waitUntil: 'load' });
  await click(`#language-switch button[value="${locale}"]`);
  await screenshot('home');

  await click('button[data-action="sandbox.prepare"]');
  const channel = page.url();
  await be('fleur');
  await press('meeting.start');
  await screenshot('open-for-cases');

  await be('anna');
  await click('a[data-open="case"]');
  await page.fill('#in-title', words.title);
  await page.fill('#in-help_question', words.question);
  await page.fill('#in-description', words.description);
  await page.check('input[name="consent"][value="yes"]');
  await screenshot('case-form');
  await click('form[data-form="form.case"] button[type="submit"]');

  await be('fleur');
  await press('meeting.choose_case');
  await screenshot('case-chosen');
  await press('meeting.advance');

  for (const [phase, speakers, extra] of plan) {
    if (speakers === 'turn') {
      for (let i = 0; i < 8; i += 1) {
        const person = await turn();
        if (!person) break;
        const text = phase === 'evaluation' ? words.rating : words.say(person, phase);
        await contribute(person, text);
        if (i === 0 && extra) for (const other of extra) await contribute(other, words.say(other, phase));
      }
      if (await turn()) throw new Error(`round ${phase} did not complete`);
    } else {
      for (const person of speakers) {
        await contribute(person, phase === 'takeaway' ? words.takeaway : words.say(person, phase));
      }
    }
    await screenshot(phase);
    await be('fleur');
    await press('meeting.advance');
  }
  await screenshot('evaluated');
  await press('meeting.report');
  await screenshot('report');
  writeFileSync(join(outDir, `${String(shot).padStart(2, '0')}-report.html`), await page.content());
  const text = await page.locator('main').innerText();
  ok = text.includes(words.report) && text.includes(words.takeaway);
  if (await page.locator('main script').count()) throw new Error('user text became a script');

  await be('gert');
  await page.goto(base, { waitUntil: 'load' });
  await screenshot('manager-home');
  if (!(await page.locator('#managers-channel article').count())) {
    throw new Error('no trajectory numbers in the managers\' channel');
  }
  await page.goto(channel, { waitUntil: 'load' });
  await screenshot('manager-refused');
  if (await page.locator('form[data-form="form.contribute"], .thread').count()) {
    throw new Error('the manager saw the thread');
  }
} catch (error) {
  console.error(error);
  await screenshot('failure').catch(() => {});
  ok = false;
} finally {
  await browser.close();
}
console.log(ok ? 'REPORT OK' : 'REPORT MISSING');
process.exit(ok ? 0 : 1);
