// The web console in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run)
// driven by playwright-core. A known batch is submitted, the console opened and signed in with a
// token; the counts, an indicator's tags and an association on the page must equal what the API
// returns. A screenshot is saved under the test's temp folder (and in docs/ with
// TCBATCH_DOCS_SCREENSHOT=1).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { TOKEN, call } from './signer.js';
import { OWNER, config, runJob, start } from './harness.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const REQUIRED = process.env.TCBATCH_REQUIRE_BROWSER === '1';
const dir = mkdtempSync(join(tmpdir(), 'tcbatch-console-'));

const CONTENT = {
  group: [
    { type: 'Report', xid: 'console-report', name: 'Quarterly threat report', fileName: 'q3.txt', tag: [{ name: 'Report' }] },
    { type: 'Adversary', xid: 'console-adv', name: 'Example Adversary', attribute: [{ type: 'Description', value: 'seen in the wild' }] },
  ],
  indicator: [
    { type: 'Host', summary: 'c2.console.example', rating: 4, confidence: 80, tag: [{ name: 'C2' }, { name: 'APT-X' }], securityLabel: [{ name: 'TLP:AMBER' }], associatedGroups: [{ groupXid: 'console-adv' }] },
    { type: 'Address', summary: '203.0.113.7', tag: [{ name: 'Scanner' }] },
    { type: 'File', summary: 'D41D8CD98F00B204E9800998ECF8427E', fileOccurrence: [{ fileName: 'empty.bin', path: 'C:\\temp', date: '2024-01-01T00:00:00Z' }] },
    { type: 'Host', summary: 'bad_host' },
  ],
};

describe.skipIf(!CHROMIUM && !REQUIRED)('web console (headless Chromium)', () => {
  let emu: RunningEmulator;
  let browser: Browser;
  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('TCBATCH_REQUIRE_BROWSER=1 but no Chromium found (apt-get install chromium)');
    emu = await start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the job counts, an indicator\'s tags and an association exactly as the API returns them', async () => {
    const { id, status } = await runJob(emu.url, CONTENT);
    await call(emu.url, 'POST', `/v2/groups/reports/console-report/upload?owner=${OWNER}`, 'Q3: two new C2 hosts.');
    const host = (await call(emu.url, 'GET', `/v3/indicators/c2.console.example?owner=${OWNER}&type=Host`)).json.data;
    const groups = (await call(emu.url, 'GET', `/v3/groups?owner=${OWNER}&count=true`)).json.count as number;
    const indicators = (await call(emu.url, 'GET', `/v3/indicators?owner=${OWNER}&count=true`)).json.count as number;

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(emu.consoleUrl!);
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');

    const row = page.locator(`#jobs tbody tr[data-id="${id}"]`);
    await row.locator('.status', { hasText: 'Completed' }).waitFor();
    expect(await row.locator('td.success').textContent()).toBe(String(status.successCount));
    expect(await row.locator('td.errors').textContent()).toBe(String(status.errorCount));
    expect(await row.locator('td.unprocessed').textContent()).toBe(String(status.unprocessCount));
    await row.click();
    await page.locator('#error-records tbody tr').first().waitFor();
    expect(await page.locator('#error-records tbody tr td:nth-child(1)').allTextContents()).toEqual(['0x1005']);

    await page.locator('#counts [data-groups]').waitFor();
    expect(await page.getAttribute('#counts [data-groups]', 'data-groups')).toBe(String(groups));
    expect(await page.getAttribute('#counts [data-indicators]', 'data-indicators')).toBe(String(indicators));

    await page.fill('#search', 'c2.console');
    await page.click(`#items li[data-kind="indicator"][data-id="${host.id}"]`);
    await page.locator('#detail .tags span').first().waitFor();
    expect(await page.locator('#detail .tags span').allTextContents()).toEqual(host.tags.data.map((t: { name: string }) => t.name));
    expect(await page.locator('#detail .labels span').allTextContents()).toEqual(['TLP:AMBER']);
    expect(await page.locator('#detail .assoc-groups li a').allTextContents()).toEqual(host.associatedGroups.data.map((g: { type: string; name: string }) => `${g.type}: ${g.name}`));

    // the association in the other direction, by following it
    await page.click('#detail .assoc-groups li a');
    await page.locator('#detail .assoc-indicators li a', { hasText: 'c2.console.example' }).waitFor();
    expect(await page.locator('#detail dd[data-field="xid"]').textContent()).toBe('console-adv');

    // Report content
    await page.fill('#search', 'Quarterly');
    await page.click('#items li[data-kind="group"]');
    await page.locator('#detail pre.content').waitFor();
    expect(await page.locator('#detail pre.content').textContent()).toBe('Q3: two new C2 hosts.');

    await page.fill('#search', '');
    await page.click(`#items li[data-kind="indicator"][data-id="${host.id}"]`);
    await page.locator('#detail .tags span').first().waitFor();
    const shot = join(dir, 'console.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    if (process.env.TCBATCH_DOCS_SCREENSHOT === '1') await page.screenshot({ path: fileURLToPath(new URL('../../docs/console.png', import.meta.url)), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('a job submitted while the page is open appears and updates to Completed', async () => {
    const page = await browser.newPage();
    await page.goto(emu.consoleUrl!);
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.locator('#jobs tbody tr').first().waitFor();
    const { id } = await runJob(emu.url, { indicator: [{ type: 'Host', summary: 'late.console.example' }] });
    await page.locator(`#jobs tbody tr[data-id="${id}"] .status`, { hasText: 'Completed' }).waitFor();
    await page.locator('#items li', { hasText: 'late.console.example' }).waitFor();
    await page.close();
  }, 60_000);

  it('a wrong token is refused on the sign-in form with the API\'s message', async () => {
    const page = await browser.newPage();
    await page.goto(emu.consoleUrl!);
    await page.fill('#token', 'not-a-token');
    await page.click('button[type=submit]');
    await page.locator('#signin-error', { hasText: 'Unauthorized' }).waitFor();
    await page.close();
  }, 60_000);
});

it('the console is served on loopback only by default; the API needs credentials either way', async () => {
  const emu = await start();
  try {
    const page = await fetch(emu.consoleUrl!);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`${emu.url}/emulator/batch`)).status).toBe(403);
  } finally {
    await emu.close();
  }
  const off = await start({ console: false });
  try {
    expect(off.consoleUrl).toBeUndefined();
    expect((await fetch(off.url.replace(/api$/, ''))).status).toBe(404);
  } finally {
    await off.close();
  }
});
