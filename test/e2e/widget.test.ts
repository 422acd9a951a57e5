/**
 * The web chat widget in Chromium, on the demo portal page, as a citizen uses it: ask and get an answer, reload,
 * injected HTML shown as text, a 360 px phone, keyboard only, offline queue, quick replies, operator state, urgency.
 * Screenshots: test-artifacts/widget-*.png.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { WebchatConnector } from '../../channels/webchat';
import { hashToken } from '../../channels/webchat/sessions';
import { writeOutbound } from '../../src/pipeline/outbound';
import { getConversation, setConversationState } from '../../src/store/conversations';
import { ARTIFACTS_DIR, describeBrowser, launchBrowser, openPage, screenshot } from '../support/browser';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

jest.setTimeout(60_000);

describeBrowser('web chat widget in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startTestPlatform({ WIDGET_MAX_TEXT: '500' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const launcher = (page: Page) => page.getByRole('button', { name: 'Chat với Tổng đài 1022' });
  const textbox = (page: Page) => page.getByRole('textbox', { name: 'Nhập tin nhắn' });
  const sendButton = (page: Page) => page.getByRole('button', { name: 'Gửi', exact: true });
  const log = (page: Page) => page.getByRole('log');
  const botMessages = (page: Page) => log(page).locator('li.msg.bot');
  const ownMessages = (page: Page) => log(page).locator('li.msg.citizen');

  async function openDemo(viewport?: { width: number; height: number }) {
    const opened = await openPage(browser, { viewport, baseURL: platform.url });
    await opened.page.goto('/');
    return opened;
  }

  /** The conversation of the page's widget session, from the token in localStorage. */
  async function conversationOf(page: Page): Promise<string> {
    const token = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(':token'))?.[1]);
    const session = await platform.store.db.selectFrom('widget_sessions').select('id').where('token_hash', '=', hashToken(token as string)).executeTakeFirstOrThrow();
    const row = await platform.store.db.selectFrom('conversations').select('id').where('external_thread_id', '=', session.id).executeTakeFirstOrThrow();
    return row.id;
  }

  it('lets a citizen ask a question on the demo page and get the bot answer; a reload and a new tab keep it', async () => {
    const { context, page, errors } = await openDemo();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Tổng đài 1022 tỉnh Bình Phước');
    await launcher(page).click();
    await textbox(page).fill('Cho hỏi triệu chứng của COVID-19 là gì?');
    await sendButton(page).click();
    await ownMessages(page).filter({ hasText: 'Cho hỏi triệu chứng của COVID-19 là gì?' }).waitFor();
    await botMessages(page).first().waitFor({ timeout: 10_000 });
    const answer = (await botMessages(page).first().locator('.bubble').textContent()) ?? '';
    expect(answer.length).toBeGreaterThan(10);
    expect(await botMessages(page).first().locator('.who').textContent()).toBe('Tổng đài 1022');
    expect(await page.getByRole('dialog').getByRole('status').first().textContent()).toBe('Trợ lý tự động đang trả lời');
    await screenshot(page, 'widget-desktop-answer');

    await page.reload();
    await launcher(page).click();
    await botMessages(page).first().waitFor();
    expect(await ownMessages(page).count()).toBe(1);
    expect(await botMessages(page).first().locator('.bubble').textContent()).toBe(answer);

    const tab = await context.newPage();
    await tab.goto('/');
    await launcher(tab).click();
    await ownMessages(tab).filter({ hasText: 'Cho hỏi triệu chứng của COVID-19 là gì?' }).waitFor();
    // A message written in the new tab shows in the first one too.
    await textbox(tab).fill('Cảm ơn tổng đài');
    await textbox(tab).press('Enter');
    await ownMessages(page).filter({ hasText: 'Cảm ơn tổng đài' }).waitFor();
    await screenshot(page, 'widget-desktop-after-reload');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows injected HTML as text and runs nothing', async () => {
    const { context, page, dialogs } = await openDemo();
    await launcher(page).click();
    const attack = '<img src=x onerror=alert(1)>';
    await textbox(page).fill(attack);
    await textbox(page).press('Enter');
    const bubble = ownMessages(page).locator('.bubble').filter({ hasText: attack });
    await bubble.waitFor();
    expect(await bubble.textContent()).toBe(attack);
    expect(await log(page).locator('img').count()).toBe(0);
    // Also from the other side: an operator's reply carrying markup.
    const conversation = await getConversation(platform.store.db, await conversationOf(page));
    const written = await platform.store.db.transaction().execute((tx) =>
      writeOutbound(tx, conversation!, { text: '<b>đậm</b><script>alert(2)</script>', author: 'operator', authorName: '<i>Lan</i>' }, new Date().toISOString()),
    );
    platform.worker.kick([written.outboxId]);
    const reply = log(page).locator('li.msg.operator');
    await reply.waitFor();
    expect(await reply.locator('.bubble').textContent()).toBe('<b>đậm</b><script>alert(2)</script>');
    expect(await reply.locator('.who').textContent()).toBe('<i>Lan</i>');
    expect(await log(page).locator('b, i, script').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    await screenshot(page, 'widget-injection-as-text');
    await context.close();
  });

  it('fits a 360 px phone screen', async () => {
    const { context, page } = await openDemo({ width: 360, height: 740 });
    const button = await launcher(page).boundingBox();
    expect(button && button.x >= 0 && button.x + button.width <= 360).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'widget-360-closed.png') });
    await launcher(page).click();
    await textbox(page).fill('Xét nghiệm PCR ở đâu ạ?');
    await sendButton(page).click();
    await botMessages(page).first().waitFor({ timeout: 10_000 });
    const panel = await page.getByRole('dialog').boundingBox();
    expect(panel).not.toBeNull();
    expect(panel!.x).toBeGreaterThanOrEqual(0);
    expect(panel!.x + panel!.width).toBeLessThanOrEqual(360);
    for (const target of [textbox(page), sendButton(page)]) {
      const box = await target.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(360);
      expect(box!.y + box!.height).toBeLessThanOrEqual(740);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'widget-360-open.png') });
    await context.close();
  });

  it('works with the keyboard only, with a visible focus', async () => {
    const { context, page } = await openDemo();
    // Tab through the page until the launcher has the focus.
    let onLauncher = false;
    for (let i = 0; i < 20 && !onLauncher; i++) {
      await page.keyboard.press('Tab');
      onLauncher = await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label') === 'Chat với Tổng đài 1022');
    }
    expect(onLauncher).toBe(true);
    const ring = await page.evaluate(() => {
      const focused = document.activeElement!.shadowRoot!.activeElement!;
      const style = getComputedStyle(focused);
      return { outline: style.outlineStyle, width: style.outlineWidth };
    });
    expect(ring.outline).toBe('solid');
    expect(parseFloat(ring.width)).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'widget-keyboard-focus');
    await page.keyboard.press('Enter');
    // The textbox has the focus once the panel opens.
    await page.keyboard.type('Cách ly tại nhà bao nhiêu ngày?');
    await page.keyboard.press('Enter');
    await ownMessages(page).filter({ hasText: 'Cách ly tại nhà bao nhiêu ngày?' }).waitFor();
    await botMessages(page).first().waitFor({ timeout: 10_000 });
    // Tab reaches the send button after the textbox; Escape closes and gives the focus back to the launcher.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent)).toBe('Gửi');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label'))).toBe('Chat với Tổng đài 1022');
    await context.close();
  });

  it('queues messages typed offline and sends them once on reconnect', async () => {
    const { context, page } = await openDemo();
    await launcher(page).click();
    await textbox(page).fill('Tin đầu tiên');
    await textbox(page).press('Enter');
    await botMessages(page).first().waitFor({ timeout: 10_000 });
    const conversationId = await conversationOf(page);

    await context.setOffline(true);
    await page.getByText('Mất kết nối mạng').waitFor({ timeout: 15_000 });
    await textbox(page).fill('Tin gửi lúc mất mạng');
    await textbox(page).press('Enter');
    const queued = ownMessages(page).filter({ hasText: 'Tin gửi lúc mất mạng' });
    await queued.locator('.meta', { hasText: 'Chờ có mạng để gửi' }).waitFor();
    expect(await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(':outbox'))?.[1] ?? '')).toContain('Tin gửi lúc mất mạng');
    await screenshot(page, 'widget-offline-queued');

    await context.setOffline(false);
    await waitFor(async () => (await queued.locator('.meta').textContent())?.match(/^\d{2}:\d{2}$/), 20_000, 'queued message sent');
    await platform.settle();
    const stored = await platform.store.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('text', '=', 'Tin gửi lúc mất mạng').execute();
    expect(stored).toHaveLength(1);
    expect(await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(':outbox'))?.[1] ?? '[]')).toBe('[]');
    await context.close();
  });

  it('shows quick replies as buttons, the operator by name, the waiting state and an urgent notice', async () => {
    const { context, page } = await openDemo();
    await launcher(page).click();
    await textbox(page).fill('Tôi muốn gặp tổng đài viên');
    await textbox(page).press('Enter');
    await botMessages(page).first().waitFor({ timeout: 10_000 });
    await platform.settle();
    const conversationId = await conversationOf(page);
    const now = new Date().toISOString();

    await setConversationState(platform.store.db, conversationId, 'queued', now);
    platform.bus.publish({ type: 'conversation.updated', conversationId, state: 'queued' });
    await page.getByRole('dialog').getByText('Đang chờ tổng đài viên').waitFor();

    await platform.store.db
      .insertInto('users')
      .values({ id: 'op-hoa', username: 'hoa', display_name: 'Lê Thị Hoa', role: 'operator', email: null, password_hash: 'x', failed_logins: 0, locked_until: null, session_version: 0, presence: 'online', disabled: 0, created_at: now })
      .execute();
    await setConversationState(platform.store.db, conversationId, 'human', now, { assigneeId: 'op-hoa' });
    platform.bus.publish({ type: 'conversation.updated', conversationId, state: 'human', assigneeId: 'op-hoa' });
    await page.getByRole('dialog').getByText('Tổng đài viên Lê Thị Hoa đang hỗ trợ anh/chị').waitFor();
    platform.bus.publish({ type: 'typing', conversationId, who: 'operator', on: true });
    await page.getByText('Lê Thị Hoa đang soạn tin…').waitFor();

    const conversation = await getConversation(platform.store.db, conversationId);
    const written = await platform.store.db.transaction().execute((tx) =>
      writeOutbound(tx, conversation!, {
        text: 'Dạ, anh/chị đang ở huyện nào ạ?',
        author: 'operator',
        authorId: 'op-hoa',
        authorName: 'Lê Thị Hoa',
        quickReplies: [{ title: 'Đồng Xoài', payload: 'district:dong-xoai' }, { title: 'Bình Long', payload: 'district:binh-long' }],
      }, new Date().toISOString()),
    );
    platform.worker.kick([written.outboxId]);
    const operatorMessage = log(page).locator('li.msg.operator');
    await operatorMessage.waitFor();
    expect(await operatorMessage.locator('.who').textContent()).toBe('Lê Thị Hoa');
    expect(await page.getByText('Lê Thị Hoa đang soạn tin…').isVisible()).toBe(false);
    const choice = page.getByRole('group', { name: 'Gợi ý trả lời' }).getByRole('button', { name: 'Đồng Xoài' });
    await choice.waitFor();
    await screenshot(page, 'widget-operator-quick-replies');
    await choice.click();
    await ownMessages(page).filter({ hasText: 'Đồng Xoài' }).waitFor();
    await waitFor(async () => platform.store.db.selectFrom('messages').select('choice').where('conversation_id', '=', conversationId).where('choice', '=', 'district:dong-xoai').executeTakeFirst(), 5000, 'choice stored');
    expect(await page.getByRole('group', { name: 'Gợi ý trả lời' }).isVisible()).toBe(false);

    platform.bus.publish({ type: 'urgent.alert', conversationId, level: 'emergency', symptoms: ['khó thở'] });
    const notice = page.getByRole('alert').filter({ hasText: 'gọi ngay 115' });
    await notice.waitFor();
    await screenshot(page, 'widget-urgent-notice');
    await context.close();
  });

  it('starts over with an empty conversation when the server revokes the session', async () => {
    const { context, page } = await openDemo();
    await launcher(page).click();
    await textbox(page).fill('Tin trước khi thu hồi');
    await textbox(page).press('Enter');
    await botMessages(page).first().waitFor({ timeout: 10_000 });
    const oldToken = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(':token'))?.[1]);
    const session = await platform.store.db.selectFrom('widget_sessions').select('id').where('token_hash', '=', hashToken(oldToken as string)).executeTakeFirstOrThrow();
    await (platform.connectors.get('webchat') as WebchatConnector).revoke(session.id, 'thử nghiệm');
    await waitFor(async () => (await ownMessages(page).count()) === 0, 10_000, 'conversation cleared');
    await waitFor(async () => {
      const token = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(':token'))?.[1]);
      return token && token !== oldToken;
    }, 15_000, 'new session token');
    await page.reload();
    await launcher(page).click();
    await page.waitForTimeout(500);
    expect(await ownMessages(page).count()).toBe(0);
    expect(await botMessages(page).count()).toBe(0);
    await context.close();
  });

  it('refuses an over-long message with a visible reason and keeps the text', async () => {
    const { context, page } = await openDemo();
    await launcher(page).click();
    await textbox(page).fill('a'.repeat(501));
    await expect(page.getByText('501/500 ký tự').isVisible()).resolves.toBe(true);
    await textbox(page).press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'tin nhắn dài quá 500 ký tự' });
    await alert.waitFor();
    expect(await textbox(page).inputValue()).toHaveLength(501);
    expect(await ownMessages(page).count()).toBe(0);
    await screenshot(page, 'widget-too-long');
    await context.close();
  });

  it('keeps its look whatever the host page CSS, and does not restyle the page', async () => {
    const { context, page } = await openDemo();
    await page.addStyleTag({ content: '* { font-family: "Times New Roman", serif !important; color: #f0f !important; } button { display: none !important; } ol, li { list-style: decimal !important; }' });
    await launcher(page).waitFor();
    expect(await launcher(page).isVisible()).toBe(true);
    const font = await launcher(page).evaluate((el) => getComputedStyle(el).fontFamily);
    expect(font).not.toMatch(/Times/);
    await launcher(page).click();
    expect(await sendButton(page).isVisible()).toBe(true);
    // The widget's rules stay inside: a page element with the widget's class names is not styled by them.
    const outside = await page.evaluate(() => {
      const p = document.createElement('p');
      p.className = 'bubble';
      document.querySelector('main')!.append(p);
      return getComputedStyle(p).paddingLeft;
    });
    expect(outside).toBe('0px');
    await screenshot(page, 'widget-hostile-css');
    await context.close();
  });
});
