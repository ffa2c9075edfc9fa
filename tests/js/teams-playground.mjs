// Drives the real Microsoft 365 Agents Playground (its web UI, in Debian's Chromium) against
// our real server: `@Test Bot start` in the team's General channel, our meeting card renders,
// "Bring in a case" sends the case form to the personal chat, the form is submitted, and the
// meeting card in the channel is updated in place with the case and "Choose this case".
//
//   node tests/js/teams-playground.mjs PLAYGROUND_URL SCREENSHOT_DIR GROUP_NAME
//
// Handshake with the Python test: prints "CHANNEL OPEN" once the General channel is open
// (the Playground has then told our bot about the channel), and waits for a line "GO" on
// stdin (the group has been created for that channel). Prints "PLAYGROUND OK" and exits 0
// when every step worked; exits 1 otherwise. Requests to anything but the Playground are
// blocked: the test must work offline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const [base, outDir, groupName] = process.argv.slice(2);
if (!base || !outDir || !groupName) {
  console.error('usage: teams-playground.mjs PLAYGROUND_URL SCREENSHOT_DIR GROUP_NAME');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const STEP_MS = 20_000;

function waitForGo(timeoutMs) {
  const lines = createInterface({ input: process.stdin });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      lines.close();
      process.stdin.destroy();
      reject(new Error('no GO on stdin'));
    }, timeoutMs);
    lines.on('line', (line) => {
      if (line.trim() === 'GO') {
        clearTimeout(timer);
        lines.close();
        process.stdin.destroy(); // nothing more to read: let the process end
        resolve();
      }
    });
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.setDefaultTimeout(STEP_MS);
const blocked = [];
await page.route((url) => !url.href.startsWith(base), (route) => {
  blocked.push(route.request().url());
  return route.abort();
});
let step = 'open';
const shot = (name) => page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });

try {
  await page.goto(base);
  const general = page.getByRole('treeitem', { name: 'My Team - General' });
  // the Playground greets the bot first (installationUpdate); then the channel can be opened
  await page.getByText('installationUpdate 200').first().waitFor();
  await general.click();
  await page.getByRole('button', { name: 'Post', exact: true }).waitFor();
  // the channel's own greeting reached our bot (the Python side also waits for it in our log)
  await page.getByText('conversationUpdate 200').first().waitFor();
  await shot('01-channel');
  console.log('CHANNEL OPEN');
  await waitForGo(90_000);

  step = '@Test Bot start';
  await page.getByRole('textbox').first().click();
  await page.keyboard.type('@Test');
  await page.getByText('Test Bot', { exact: true }).first().click();
  await page.keyboard.type(' start');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  const card = page.locator('.ac-adaptiveCard').filter({ hasText: `Intervision · ${groupName}` });
  await card.getByRole('button', { name: 'Bring in a case' }).waitFor();
  await card.getByText('No cases brought in yet.').waitFor();
  await shot('02-meeting-card');

  step = 'Bring in a case';
  await card.getByRole('button', { name: 'Bring in a case' }).click();
  await page.getByText('Personal Chat', { exact: true }).waitFor();
  await page.getByRole('treeitem', { name: 'Personal Chat' }).click();
  const form = page.locator('.ac-adaptiveCard').filter({ hasText: `Your case stays within ${groupName}` });
  await form.waitFor();
  await shot('03-case-form');

  step = 'submit the case';
  // type like a person: the card's renderer keeps what its inputs' events tell it
  const title = form.getByRole('textbox', { name: /^Title/ });
  await title.click();
  await title.pressSequentially('A parent who keeps calling');
  const question = form.getByRole('textbox', { name: /^Help question/ });
  await question.click();
  await question.pressSequentially('How do I set a boundary?');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByText('A parent who keeps calling').last().waitFor();
  await shot('04-case-submitted');

  step = 'the meeting card, updated in place';
  await general.click();
  const updated = page.locator('.ac-adaptiveCard').filter({ hasText: `Intervision · ${groupName}` });
  await updated.getByText('A parent who keeps calling').waitFor();
  await updated.getByRole('button', { name: 'Choose this case' }).waitFor();
  const cards = await page.locator('.ac-adaptiveCard').filter({ hasText: 'Intervision · ' }).count();
  if (cards !== 1) throw new Error(`${cards} meeting cards in the channel: expected one, updated`);
  await shot('05-card-with-case');
  if (blocked.length) console.log(`blocked (offline): ${[...new Set(blocked)].join(' ')}`);
  console.log('PLAYGROUND OK');
} catch (error) {
  console.error(`step "${step}" failed: ${error.message}`);
  await shot('failure').catch(() => {});
  writeFileSync(join(outDir, 'failure.html'), await page.content().catch(() => ''));
  process.exitCode = 1;
} finally {
  await browser.close();
}
process.exit(process.exitCode ?? 0);
