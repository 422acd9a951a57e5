/**
 * Levels and reports in the console, in Chromium: the supervisors' dashboard (level gauge, counts, charts, operators,
 * notices) and its live banner when the level changes; an operator logging a phone call with the keyboard in a few
 * seconds; the rota, the level rules (validation shown) and the report archive. Screenshots in test-artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { recordRequest } from '../../src/store/conversations';
import { describeBrowser, launchBrowser, openPage, screenshot } from '../support/browser';
import { createTestUser, TEST_PASSWORD } from '../support/consoleSession';
import { startTestPlatform, type TestPlatform } from '../support/platform';

async function addRecent(platform: TestPlatform, n: number): Promise<void> {
  const now = Date.now();
  const channels = ['zalo', 'messenger', 'webchat', 'app'] as const;
  await platform.store.db.transaction().execute(async (tx) => {
    // Spread over the last 50 minutes: inside today (the test does not run in the first hour after midnight… or
    // if it does, inside the last 24 hours, which is what the level follows).
    for (let i = 0; i < n; i++) await recordRequest(tx, { channel: channels[i % channels.length], kind: 'new_conversation', at: new Date(now - 1000 - ((i * 50 * 60_000) / n)).toISOString() });
  });
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/console');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD);
  await page.getByLabel('Mật khẩu').press('Enter');
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

describeBrowser('levels, phone calls and reports in the console', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let supervisorPage: Page;
  let operatorPage: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({ LEVEL_CHECK_SECONDS: '3600', CASE_TICK_SECONDS: '3600' });
    await createTestUser(platform.store.db, 'giamsat', 'supervisor', 'Giám sát Minh');
    await createTestUser(platform.store.db, 'trucban', 'operator', 'Trực ban Hoa');
    await addRecent(platform, 230);
    await platform.reports.levels.check();
    browser = await launchBrowser();
    const s = await openPage(browser, { baseURL: platform.url });
    const o = await openPage(browser, { baseURL: platform.url });
    supervisorPage = s.page;
    operatorPage = o.page;
    s.page.on('pageerror', (e) => errors.push(e.message));
    o.page.on('pageerror', (e) => errors.push(e.message));
    await signIn(supervisorPage, 'giamsat');
    await signIn(operatorPage, 'trucban');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('shows supervisors the level gauge, today’s counts, the charts, the operators and the notice', async () => {
    const page = supervisorPage;
    await page.getByRole('link', { name: 'Tổng quan' }).click();
    await page.getByRole('heading', { name: 'Mức tiếp nhận: Cấp độ 2 (trên 200 đến 500 tin/ngày)' }).waitFor();
    await page.getByText('230 tin trong 24 giờ qua', { exact: false }).first().waitFor();
    await page.getByRole('img', { name: /Số tin theo giờ hôm nay/ }).waitFor();
    await page.getByRole('list', { name: 'Số tin theo kênh hôm nay' }).getByText('Zalo').waitFor();
    await page.getByRole('cell', { name: 'Trực ban Hoa' }).waitFor();
    await page.getByText(/Mức tiếp nhận của Tổng đài 1022 đã tăng lên Cấp độ 2/).first().waitFor();
    expect(await page.locator('.staffing').textContent()).toMatch(/Còn thiếu: \d tổng đài viên/);
    await screenshot(page, 'dashboard-01-level-2');
  });

  it('raises the banner and updates the gauge live when the level changes', async () => {
    const page = supervisorPage;
    await addRecent(platform, 300);
    await platform.reports.levels.check();
    const banner = page.locator('.banner');
    await banner.filter({ hasText: 'Cấp độ 3' }).waitFor({ timeout: 5000 });
    await page.getByRole('heading', { name: /Mức tiếp nhận: Cấp độ 3/ }).waitFor({ timeout: 8000 });
    await screenshot(page, 'dashboard-02-level-3-banner');
  });

  it('lets an operator log a phone call with the keyboard in a few seconds; the dashboard is not theirs', async () => {
    const page = operatorPage;
    expect(await page.getByRole('link', { name: 'Tổng quan' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Cuộc gọi' }).click();
    const number = page.getByLabel('Số điện thoại người gọi');
    await number.waitFor();
    await page.getByLabel('Chủ đề').locator('option', { hasText: 'Xét nghiệm SARS-CoV-2' }).waitFor({ state: 'attached' });
    const started = Date.now();
    await number.focus();
    await page.keyboard.type('0912 345 678');
    await page.keyboard.press('Tab');
    await page.getByLabel('Chủ đề').selectOption({ label: 'Xét nghiệm SARS-CoV-2' });
    await page.getByLabel('Ghi chú ngắn').fill('Hỏi nơi xét nghiệm nhanh ở Đồng Xoài');
    await page.getByLabel('Ghi chú ngắn').press('Enter');
    await page.getByText('Đã ghi nhận cuộc gọi.').waitFor();
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(5);
    const row = page.getByRole('row', { name: /0912345678/ });
    await row.getByText('Xét nghiệm SARS-CoV-2').waitFor();
    await row.getByText('Đã giải đáp').waitFor();
    expect(await number.inputValue()).toBe('');
    await screenshot(page, 'dashboard-03-phone-call-logged');
    const stored = await platform.store.db.selectFrom('requests').select(['kind', 'channel', 'topic']).where('kind', '=', 'phone_call').execute();
    expect(stored).toEqual([{ kind: 'phone_call', channel: 'phone', topic: 'xet-nghiem' }]);
  });

  it('lets a supervisor plan a shift, see refused level rules explained, and make a report', async () => {
    const page = supervisorPage;
    await page.getByRole('link', { name: 'Ca trực' }).click();
    await page.getByRole('heading', { name: 'Thêm ca trực' }).waitFor();
    await page.getByLabel('Cán bộ').selectOption({ label: 'Trực ban Hoa' });
    await page.getByRole('button', { name: 'Thêm ca' }).click();
    await page.getByText(/Trực ban Hoa: 07:00–17:00/).first().waitFor();

    await page.getByRole('link', { name: 'Cấp độ' }).click();
    const threshold = page.getByLabel('Cấp 2: trên bao nhiêu tin');
    await threshold.waitFor();
    expect(await threshold.inputValue()).toBe('200');
    await threshold.fill('800');
    await page.getByRole('button', { name: 'Lưu cấu hình' }).click();
    await page.getByText(/ngưỡng cấp độ 3 phải lớn hơn ngưỡng cấp độ 2/).waitFor();
    await screenshot(page, 'dashboard-04-levels-refused');

    await page.getByRole('link', { name: 'Báo cáo' }).click();
    await page.getByRole('button', { name: 'Lập báo cáo' }).click();
    await page.getByText(/Đã lập báo cáo ngày/).waitFor();
    await page.getByRole('link', { name: /^PDF ngày/ }).first().waitFor();
    await screenshot(page, 'dashboard-05-reports');
    expect(errors).toEqual([]);
  });
});
