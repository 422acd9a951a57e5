/**
 * The content team's workspace in Chromium: an editor changes an answer and sends it for review, a second editor
 * publishes it and the bot answers with the new text on the app channel within a second; a rollback from the
 * history; an import with a bad row applies nothing; a group of unanswered questions becomes a new entry.
 * Screenshots are kept in test-artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { describeBrowser, launchBrowser, openPage, screenshot } from '../support/browser';
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, TEST_PASSWORD } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const TOKEN = 'app-token-e2e-content';
const ENTRY = 'cach-ly-010';
const QUESTION = 'Hết thời gian cách ly có được cấp giấy chứng nhận không?';

describeBrowser('content workspace in Chromium', () => {
  let platform: TestPlatform;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let browser: Browser;
  let lan: Page; // editor
  let minh: Page; // second editor
  const errors: string[] = [];
  let seq = 0;
  let originalAnswer = '';

  const askBot = async (text: string) => {
    const userId = `e2e-citizen-${++seq}`;
    const res = await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, messageId: `e2e-content-${seq}`, text }),
    });
    expect(res.status).toBe(202);
    return (await waitFor(() => callback.received.find((r) => r.json?.userId === userId), 5000, 'bot reply')).json.text as string;
  };

  const signIn = async (page: Page, username: string) => {
    await page.goto('/console');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { name: 'Câu hỏi – trả lời', level: 1 }).waitFor();
  };

  beforeAll(async () => {
    callback = await startRecordingServer();
    platform = await startTestPlatform({ APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, APP_CALLBACK_SECRET: 'cb-secret-e2e-content' });
    await createTestUser(platform.store.db, 'lan', 'editor', 'Trần Thị Lan');
    await createTestUser(platform.store.db, 'minh', 'editor', 'Lê Văn Minh');
    originalAnswer = platform.knowledge.index.current.entries.get(ENTRY)!.answer;
    browser = await launchBrowser();
    const a = await openPage(browser, { baseURL: platform.url });
    const b = await openPage(browser, { baseURL: platform.url });
    lan = a.page;
    minh = b.page;
    for (const p of [a, b]) p.page.on('pageerror', (err) => errors.push(err.message));
    await signIn(lan, 'lan');
    await signIn(minh, 'minh');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await callback?.close();
  });

  it('edits an answer with channel previews, sends it for review; a second editor publishes and the bot answers with it within a second', async () => {
    // Search without diacritics, as the bot does.
    await lan.getByRole('searchbox', { name: 'Tìm câu hỏi' }).fill('het cach ly co giay chung nhan ko');
    await lan.getByRole('button', { name: 'Tìm', exact: true }).click();
    const first = lan.locator('.kb-table tbody tr').first();
    await first.getByRole('link', { name: QUESTION }).waitFor();
    await first.getByText('Quá hạn rà soát').waitFor(); // reviewed in 2021
    await screenshot(lan, 'content-01-entries');
    await first.getByRole('link', { name: QUESTION }).click();

    const answer = lan.getByLabel('Câu trả lời', { exact: true });
    await answer.waitFor();
    expect(await answer.inputValue()).toBe(originalAnswer);
    const newAnswer = 'Dạ, hết thời gian cách ly, anh/chị được Trạm Y tế xã/phường cấp giấy chứng nhận hoàn thành cách ly trong ngày, bản giấy hoặc bản điện tử trên ứng dụng PC-Covid. Cần hỗ trợ, anh/chị gọi 1022 ạ.';
    await answer.fill(newAnswer);
    await lan.getByRole('button', { name: 'Xem trước theo kênh' }).click();
    await lan.getByRole('tab', { name: 'Messenger' }).waitFor();
    await lan.getByRole('tabpanel').getByText('Câu trả lời có hữu ích không ạ?').waitFor();
    await lan.getByRole('tab', { name: 'Tổng đài thoại' }).click();
    await lan.getByRole('tabpanel').getByText(/gọi một không hai hai/).waitFor();
    await screenshot(lan, 'content-02-edit-preview');

    await lan.getByRole('button', { name: 'Gửi duyệt' }).click();
    await lan.getByText('Anh/chị đã soạn thay đổi này: cần một biên tập viên hoặc giám sát khác xuất bản.').waitFor();
    expect(await lan.getByRole('button', { name: 'Xuất bản', exact: true }).count()).toBe(0);
    await lan.getByRole('heading', { name: 'Thay đổi so với bản đang dùng' }).waitFor();
    await lan.locator('.kb-side ins', { hasText: 'PC-Covid' }).first().waitFor();
    await screenshot(lan, 'content-03-in-review');
    // Until published, the bot keeps the live text.
    expect(await askBot(QUESTION)).toBe(originalAnswer);

    await minh.getByRole('link', { name: 'Chờ duyệt' }).click();
    const item = minh.locator('.kb-review-list li', { hasText: QUESTION });
    await item.locator('ins', { hasText: 'PC-Covid' }).first().waitFor();
    await screenshot(minh, 'content-04-review');
    const started = Date.now();
    await item.getByRole('button', { name: `Xuất bản: ${QUESTION}` }).click();
    await waitFor(() => platform.knowledge.index.current.entries.get(ENTRY)?.answer === newAnswer, 1000, 'published text live');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await askBot('het cach ly co dc cap giay chung nhan ko')).toBe(newAnswer);
    await minh.getByText('Không có thay đổi nào chờ duyệt.').waitFor();
  });

  it('rolls back to an earlier version from the history', async () => {
    await minh.goto(`/console#/entry/${ENTRY}`);
    const history = minh.getByRole('list', { name: 'Các phiên bản' });
    await history.getByText('Phiên bản 4').waitFor();
    await history.getByText(/Xuất bản · Đã xuất bản/).first().waitFor();
    await history.locator('li', { hasText: 'Phiên bản 2' }).getByText('Xem thay đổi').click();
    await history.locator('li', { hasText: 'Phiên bản 2' }).locator('del').first().waitFor();
    await screenshot(minh, 'content-05-history');
    await history.getByRole('button', { name: 'Khôi phục phiên bản 1' }).click();
    await minh.getByText(/Khôi phục nội dung phiên bản 1/).first().waitFor();
    await waitFor(async () => (await minh.getByLabel('Câu trả lời', { exact: true }).inputValue()) === originalAnswer, 3000, 'rolled-back text in the editor');
    await minh.getByRole('button', { name: 'Gửi duyệt' }).click();
    await minh.getByText('Gửi duyệt để một người khác xem và xuất bản.').waitFor({ state: 'detached' });
    // Lan (who did not write the rollback) publishes it.
    await lan.goto(`/console#/entry/${ENTRY}`);
    await lan.reload();
    await lan.getByRole('button', { name: 'Xuất bản', exact: true }).click();
    await waitFor(() => platform.knowledge.index.current.entries.get(ENTRY)?.answer === originalAnswer, 1000, 'rolled-back text live');
    expect(await askBot(QUESTION)).toBe(originalAnswer);
  });

  it('refuses an import with a bad row and applies nothing', async () => {
    const before = await platform.store.db.selectFrom('kb_versions').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    await lan.getByRole('link', { name: 'Nhập / xuất tệp' }).click();
    const csv = [
      'id,topic,question,alternatives,answer,source_issuer,source_document,source_date,reviewed_at',
      'di-lai-901,di-lai,Xe khách liên tỉnh chạy lại chưa?,xe khach chay lai chua | xe khách chạy chưa,"Dạ, xe khách đã chạy lại ạ.",Sở GTVT,TB 1/TB-SGTVT,2021-10-15,2021-10-16',
      'di-lai-902,di-lai,Taxi có được chạy không?,taxi co chay ko | taxi chạy không,,Sở GTVT,TB 2/TB-SGTVT,2021-10-15,2021-10-16',
    ].join('\r\n');
    await lan.getByLabel('Tệp cần nhập').setInputFiles({ name: 'nhap-thu.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await lan.getByRole('button', { name: 'Xem trước' }).click();
    await lan.getByText(/Tệp có 1 lỗi nên không được nhập; chưa có thay đổi nào/).waitFor({ timeout: 10_000 });
    const row = lan.getByRole('table', { name: 'Các lỗi trong tệp' }).getByRole('row').nth(1);
    await row.getByRole('cell', { name: '3', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'Câu trả lời: chưa điền.' }).waitFor();
    await screenshot(lan, 'content-06-import-refused');
    const after = await platform.store.db.selectFrom('kb_versions').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await platform.store.db.selectFrom('kb_entries').select('id').where('id', 'like', 'di-lai-90%').execute()).toEqual([]);
  });

  it('turns a group of unanswered questions into a new entry', async () => {
    await askBot('Xe buýt tuyến Đồng Xoài – Chơn Thành bao giờ chạy lại? Tôi tên Nguyễn Văn An, số 0912345678');
    await askBot('xe buyt dong xoai chon thanh khi nao chay lai vay');
    await askBot('bao gio xe buyt Dong Xoai Chon Thanh hoat dong lai a');
    await platform.settle();
    await lan.getByRole('link', { name: 'Câu hỏi chưa trả lời' }).click();
    const group = lan.locator('.kb-group', { hasText: /xe bu[ýy]t/i }).first();
    await group.getByText(/3 lượt/).waitFor();
    await group.getByText(/tuần này 3/).waitFor();
    await group.getByText('Xem 3 câu hỏi trong nhóm').click();
    await group.getByText(/Tôi tên \[tên\]\s*, số \[số điện thoại\]/).waitFor(); // personal data masked
    expect(await group.textContent()).not.toMatch(/0912345678|Nguyễn Văn An/);
    await screenshot(lan, 'content-07-unanswered');
    await group.getByRole('button', { name: 'Tạo câu hỏi mới' }).click();

    const question = lan.getByLabel('Câu hỏi', { exact: true });
    await question.waitFor();
    expect(await question.inputValue()).toMatch(/xe bu[ýy]t/i);
    expect((await lan.getByLabel('Cách hỏi khác').inputValue()).split('\n')).toHaveLength(2);
    await lan.getByText('Tạo từ 3 câu hỏi chưa được trả lời của người dân.').waitFor();
    await question.fill('Xe buýt tuyến Đồng Xoài – Chơn Thành khi nào chạy lại?');
    await lan.getByLabel('Câu trả lời', { exact: true }).fill('Dạ, tuyến xe buýt Đồng Xoài – Chơn Thành chạy lại theo thông báo của Sở Giao thông vận tải tỉnh Bình Phước ạ.');
    await lan.getByLabel('Cơ quan ban hành').fill('Sở Giao thông vận tải');
    await lan.getByLabel('Số văn bản').fill('Thông báo 12/TB-SGTVT');
    await lan.getByLabel('Ngày văn bản').fill('2021-10-15');
    await screenshot(lan, 'content-08-new-entry');
    await lan.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await lan.waitForURL(/#\/entry\/di-lai-\d{3}$/);
    const id = decodeURIComponent(lan.url().split('/').pop()!);
    await lan.getByText(/Nháp/).first().waitFor();
    const entry = await platform.store.db.selectFrom('kb_entries').select(['status', 'data']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(entry.status).toBe('draft');
    expect(JSON.parse(entry.data).alternatives).toHaveLength(2);
    const marks = await platform.store.db.selectFrom('content_question_marks').select('action').where('entry_id', '=', id).execute();
    expect(marks.map((m) => m.action)).toEqual(['entry-created', 'entry-created', 'entry-created']);
    await lan.getByRole('link', { name: 'Câu hỏi chưa trả lời' }).click();
    await lan.getByRole('status').filter({ hasText: /câu hỏi|Không có câu hỏi/ }).first().waitFor();
    expect(await lan.locator('.kb-group', { hasText: /xe bu[ýy]t/i }).count()).toBe(0);
  });

  it('shows the other tools in Vietnamese', async () => {
    await lan.getByRole('link', { name: 'Thử câu hỏi' }).click();
    await lan.getByLabel('Câu hỏi cần thử').fill('e bi f1 thi cach ly o nha dc ko');
    await lan.getByRole('button', { name: 'Thử', exact: true }).click();
    await lan.getByRole('region', { name: 'Bản đang dùng' }).getByText(/Trả lời ngay|Gợi ý câu gần đúng|Không tìm thấy/).waitFor();
    await screenshot(lan, 'content-09-try');
    await lan.getByRole('link', { name: 'Từ ngữ & mẫu câu' }).click();
    await lan.getByLabel('greeting', { exact: true }).waitFor();
    await screenshot(lan, 'content-10-text-rules');
    await lan.getByRole('link', { name: 'Văn bản' }).click();
    await lan.getByRole('heading', { name: 'Tải lên văn bản' }).waitFor();
    await lan.getByLabel('Tiêu đề').fill('Hướng dẫn cách ly y tế tại nhà');
    await lan.getByLabel('Số hiệu').fill('2008/QĐ-BYT');
    await lan.getByLabel('Ngày ban hành').fill('2021-04-26');
    await lan.getByLabel('Cơ quan ban hành').fill('Bộ Y tế');
    await lan.getByLabel('Tệp văn bản').setInputFiles({
      name: 'huong-dan-cach-ly.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Người cách ly tại nhà phải ở riêng một phòng, đeo khẩu trang, đo thân nhiệt hằng ngày và báo trạm y tế khi có triệu chứng sốt, ho, khó thở.', 'utf8'),
    });
    await lan.getByRole('button', { name: 'Tải lên' }).click();
    await lan.getByRole('cell', { name: '2008/QĐ-BYT', exact: true }).waitFor();
    await lan.getByRole('searchbox', { name: 'Tìm trong văn bản' }).fill('cach ly o nha co phai o rieng phong khong');
    await lan.getByRole('button', { name: 'Tìm văn bản' }).click();
    await lan.locator('.kb-doc-hit mark', { hasText: 'riêng' }).first().waitFor();
    await screenshot(lan, 'content-11-documents');
    expect(errors).toEqual([]);
  });
});
