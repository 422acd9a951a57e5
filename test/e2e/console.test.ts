/**
 * The operator console in Chromium: sign in, see a citizen's conversation from the app channel in the live queue,
 * claim it, reply (the app callback receives it), see a new citizen message arrive live, HTML shown as text,
 * release it and the bot answers again. Screenshots are kept in test-artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import type { TriageVerdict } from '../../src/domain/types';
import { describeBrowser, launchBrowser, openPage, screenshot } from '../support/browser';
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, TEST_PASSWORD } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const TOKEN = 'app-token-e2e-console';
const XSS = '<img src=x onerror=alert(1)>';

// A stand-in triage so an urgent conversation exists without depending on the detector's lexicon.
const triage = (text: string): TriageVerdict => (/khó thở/.test(text) ? { level: 'emergency', symptoms: ['khó thở'] } : { level: 'none', symptoms: [] });

describeBrowser('operator console in Chromium', () => {
  let platform: TestPlatform;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let dialogs: string[];
  let seq = 0;

  const citizenSays = async (userId: string, text: string, name?: string) => {
    const res = await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, messageId: `e2e-${++seq}`, text, ...(name && { name }) }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { conversationId: string }).conversationId;
  };
  const textsTo = (userId: string) => callback.received.filter((r) => r.json?.userId === userId).map((r) => r.json.text as string);
  const stateOf = async (id: string) => (await platform.store.db.selectFrom('conversations').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

  beforeAll(async () => {
    callback = await startRecordingServer();
    platform = await startTestPlatform({ APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, APP_CALLBACK_SECRET: 'cb-secret-e2e-1' }, { triage });
    await createTestUser(platform.store.db, 'trucban', 'operator', 'Nguyễn Thị Trực');
    browser = await launchBrowser();
    ({ page, errors, dialogs } = await openPage(browser, { baseURL: platform.url }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await callback?.close();
  });

  it('signs in with the labelled fields, keyboard only', async () => {
    await page.goto('/console');
    await page.getByLabel('Tên đăng nhập').waitFor();
    await screenshot(page, 'console-01-sign-in');
    await page.getByLabel('Tên đăng nhập').fill('trucban');
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau-1');
    await page.getByLabel('Mật khẩu').press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Tên đăng nhập hoặc mật khẩu không đúng.' }).waitFor();
    await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).press('Enter');
    await page.getByRole('heading', { name: /Đang chờ/ }).waitFor();
    await page.getByText('Nguyễn Thị Trực · Tổng đài viên').waitFor();
  });

  it('shows waiting conversations live, urgent first, and claims, replies and releases', async () => {
    const id = await citizenSays('citizen-e2e', 'gặp tổng đài viên', 'Trần Văn Dân');
    await platform.settle();
    await waitFor(async () => (await stateOf(id)) === 'queued', 5000, 'queued');
    await citizenSays('citizen-e2e', XSS);
    const urgentId = await citizenSays('citizen-urgent', 'con tôi sốt cao, khó thở', 'Lê Thị Khẩn');
    await platform.settle();
    await platform.handoff.queue(urgentId, 'urgent');

    // Both appear without reloading the page; the emergency is listed first and highlighted.
    const waiting = page.getByRole('navigation', { name: 'Hàng chờ' }).getByRole('list').first();
    await waiting.getByRole('link', { name: /Trần Văn Dân/ }).waitFor({ timeout: 5000 });
    await waiting.getByRole('link', { name: /Lê Thị Khẩn/ }).waitFor({ timeout: 5000 });
    const names = await waiting.getByRole('link').allTextContents();
    expect(names[0]).toMatch(/Cấp cứu.*Lê Thị Khẩn/);
    await expect(waiting.getByRole('link', { name: /Lê Thị Khẩn/ }).getAttribute('class')).resolves.toMatch(/urgency-emergency/);
    await expect(waiting.getByRole('link', { name: /Trần Văn Dân/ }).textContent()).resolves.toMatch(/Chờ \d+:\d\d · còn \d+:\d\d/);
    await screenshot(page, 'console-02-queue');

    await waiting.getByRole('link', { name: /Trần Văn Dân/ }).click();
    await page.getByRole('heading', { name: 'Trần Văn Dân' }).waitFor();
    // The citizen's HTML is shown as text; nothing ran.
    const log = page.getByRole('log', { name: 'Lịch sử trò chuyện' });
    await log.getByText(XSS, { exact: true }).waitFor();
    expect(await log.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);

    await page.getByRole('button', { name: 'Nhận' }).click();
    const reply = page.getByRole('textbox', { name: 'Trả lời' });
    await reply.waitFor();
    await expect(reply.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await waitFor(async () => (await stateOf(id)) === 'human', 3000, 'claimed');

    const answer = 'Dạ, tổng đài viên đã nhận câu hỏi của anh/chị ạ.';
    await reply.fill(answer);
    await page.getByRole('button', { name: 'Gửi' }).click();
    await waitFor(() => textsTo('citizen-e2e').includes(answer), 5000, 'reply at the app callback');
    await log.getByText(answer).waitFor();
    await log.locator('li', { hasText: answer }).getByText('Đã gửi').waitFor({ timeout: 5000 });

    // A new citizen message arrives live in the open conversation; the bot stays silent.
    await citizenSays('citizen-e2e', 'Cảm ơn, cho tôi hỏi thêm về giấy đi đường');
    await log.getByText('Cảm ơn, cho tôi hỏi thêm về giấy đi đường').waitFor({ timeout: 5000 });
    await platform.settle();
    expect(textsTo('citizen-e2e').filter((t) => t.includes('giấy đi đường'))).toEqual([]);

    // Ctrl+Enter sends from the keyboard.
    await reply.fill('Dạ, anh/chị liên hệ UBND xã nơi cư trú ạ.');
    await reply.press('Control+Enter');
    await waitFor(() => textsTo('citizen-e2e').includes('Dạ, anh/chị liên hệ UBND xã nơi cư trú ạ.'), 5000, 'keyboard reply');
    // A curated answer found in the knowledge base goes into the reply box, to be checked before sending.
    await page.getByRole('searchbox', { name: 'Tìm câu trả lời mẫu' }).fill('f1 cach ly may ngay');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    const insert = page.getByRole('button', { name: /^Chèn câu trả lời:/ }).first();
    await insert.waitFor({ timeout: 5000 });
    const answerText = (await page.locator('.kb-answer').first().textContent()) ?? '';
    expect(answerText.length).toBeGreaterThan(20);
    await insert.click();
    await expect(reply.inputValue()).resolves.toBe(answerText);
    await reply.fill('');

    // An internal note is shown to staff and never sent.
    await page.getByText('Thêm ghi chú nội bộ').click();
    const noteText = 'Công dân cần gọi lại vào buổi chiều.';
    await page.getByRole('textbox', { name: 'Ghi chú nội bộ' }).fill(noteText);
    await page.getByRole('button', { name: 'Lưu ghi chú' }).click();
    await log.locator('li.note', { hasText: noteText }).waitFor({ timeout: 5000 });
    await screenshot(page, 'console-03-conversation');
    await platform.settle();
    expect(textsTo('citizen-e2e')).not.toContain(noteText);

    await page.getByRole('button', { name: 'Trả lại cho bot' }).click();
    await waitFor(async () => (await stateOf(id)) === 'bot', 3000, 'released');
    await page.getByText('Đã trả lại cho trợ lý tự động.', { exact: false }).first().waitFor();
    const before = textsTo('citizen-e2e').length;
    const botBubbles = await log.locator('li.msg.bot').count();
    await citizenSays('citizen-e2e', 'F1 phải cách ly bao nhiêu ngày?');
    await waitFor(() => textsTo('citizen-e2e').slice(before).some((t) => !t.includes('trợ lý tự động')), 5000, 'the bot answering again');
    await log.getByText('F1 phải cách ly bao nhiêu ngày?', { exact: true }).waitFor();
    // The bot's answer shows up live in the operator's view too.
    await waitFor(async () => (await log.locator('li.msg.bot').count()) > botBubbles, 5000, 'bot answer in the console');
    await screenshot(page, 'console-04-released');
    // Script errors only (a refused sign-in is an expected 401 in the network log).
    expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('lets an admin manage accounts (and only an admin sees that page)', async () => {
    expect(await page.getByRole('link', { name: 'Tài khoản', exact: true }).count()).toBe(0);
    await createTestUser(platform.store.db, 'quantri', 'admin', 'Quản Trị Viên');
    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
    await page.getByLabel('Tên đăng nhập').fill('quantri');
    await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('link', { name: 'Tài khoản', exact: true }).click();
    await page.getByRole('cell', { name: 'trucban', exact: true }).waitFor();
    await page.getByLabel('Tên đăng nhập').fill('giamsat1');
    await page.getByLabel('Họ tên').fill('Võ Văn Giám');
    await page.getByLabel('Vai trò').selectOption('supervisor');
    await page.getByLabel('Mật khẩu ban đầu').fill('mat-khau-giam-sat-1');
    await page.getByRole('button', { name: 'Thêm tài khoản' }).click();
    await page.getByRole('cell', { name: 'Võ Văn Giám', exact: true }).waitFor({ timeout: 5000 });
    await screenshot(page, 'console-06-accounts');
    expect(await platform.store.db.selectFrom('users').select('role').where('username', '=', 'giamsat1').executeTakeFirst()).toEqual({ role: 'supervisor' });
    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
    await page.getByLabel('Tên đăng nhập').fill('trucban');
    await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { name: /Đang chờ/ }).waitFor();
  });

  it('fits a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByRole('heading', { name: /Đang chờ/ }).waitFor();
    await screenshot(page, 'console-05-narrow');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
