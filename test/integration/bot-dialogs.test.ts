/**
 * The 1022 bot through the whole pipeline on the app channel: curated answers, suggestions, honest fallback,
 * handover, feedback stored per entry, small talk, urgent reports and the medical declaration.
 */
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, signInAs } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const TOKEN = 'bot-dialogs-token';

describe('the 1022 bot on the app channel', () => {
  let platform: TestPlatform;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let counter = 0;

  beforeAll(async () => {
    callback = await startRecordingServer();
    platform = await startTestPlatform({ APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb` });
  });
  afterAll(async () => {
    await platform.stop();
    await callback.close();
  });

  /** Sends a citizen message and returns the replies of that turn, in order. */
  async function say(userId: string, text: string, payload?: string): Promise<Array<{ text: string; quickReplies?: Array<{ title: string; payload: string }> }>> {
    const before = callback.received.filter((r) => r.json?.userId === userId).length;
    const res = await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId, messageId: `m-${++counter}`, text, ...(payload && { payload }) }),
    });
    expect(res.status).toBe(202);
    await platform.settle();
    const mine = await waitFor(() => {
      const all = callback.received.filter((r) => r.json?.userId === userId);
      return all.length > before ? all : undefined;
    }, 5000, `a reply to "${text}"`);
    return mine.slice(before).map((r) => r.json);
  }

  const entry = (id: string) => platform.knowledge.index.current.entries.get(id)!;

  it('answers a question typed without diacritics with the curated entry, then asks whether it helped', async () => {
    const replies = await say('citizen-a', 'F1 phai cach ly bao nhieu ngay vay ad');
    const answered = [...platform.knowledge.index.current.entries.values()].find((e) => e.answer === replies[0].text);
    expect(answered).toBeDefined();
    expect(answered!.topic).toBe('cach-ly');
    expect(replies[1].text).toBe('Câu trả lời có hữu ích không ạ?');
    expect(replies[1].quickReplies?.map((q) => q.title)).toEqual(['Có', 'Không']);
  });

  it('answers a curated question asked word for word, with or without diacritics, even when other entries are close', async () => {
    const entryWithRivals = entry('cach-ly-002');
    for (const asked of [entryWithRivals.question, entryWithRivals.question.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd')]) {
      const replies = await say('citizen-exact', asked);
      expect(replies[0].text).toBe(entryWithRivals.answer);
    }
  });

  it('stores the feedback for that entry, from a button or a plain "không"', async () => {
    const first = await say('citizen-b', 'F1 phai cach ly bao nhieu ngay vay ad');
    const entryId = first[1].quickReplies![0].payload.split(':')[1];
    const thanks = await say('citizen-b', first[1].quickReplies![1].payload); // the payload typed back as text
    expect(thanks[0].text).toMatch(/xin lỗi/i);
    await say('citizen-b', 'F1 phai cach ly bao nhieu ngay vay ad');
    await say('citizen-b', 'có');
    const rows = await platform.store.db.selectFrom('kb_feedback').selectAll().where('entry_id', '=', entryId).orderBy('at').execute();
    expect(rows.map((r) => r.helpful)).toEqual([0, 1]);
  });

  it('offers close entries as choices when unsure, and answers the one picked', async () => {
    const replies = await say('citizen-c', 'tiem vaccine o dau');
    expect(replies[0].text).toMatch(/^Dạ, có phải anh\/chị muốn hỏi:/);
    const options = replies[0].quickReplies!.filter((q) => q.payload.startsWith('faq:'));
    expect(options.length).toBeGreaterThanOrEqual(2);
    const picked = options[0].payload.slice(4);
    const answer = await say('citizen-c', options[0].title, options[0].payload); // the tapped button's title and payload
    expect(answer[0].text).toBe(entry(picked).answer);
  });

  it('says honestly when nothing matches and offers an operator or to leave the question', async () => {
    const replies = await say('citizen-d', 'giá xăng hôm nay bao nhiêu tiền một lít');
    expect(replies[0].text).toMatch(/chưa tìm thấy câu trả lời/);
    expect(replies[0].quickReplies?.map((q) => q.payload)).toEqual(['handoff', 'leave']);
    const left = await say('citizen-d', 'leave');
    expect(left[0].text).toMatch(/đã ghi nhận câu hỏi/);
    const collected = await platform.store.db.selectFrom('kb_answers').selectAll().where('decision', 'in', ['fallback', 'left']).execute();
    expect(collected.some((r) => r.question.includes('giá xăng') && r.decision === 'left')).toBe(true);
  });

  it('hands over on "gặp tổng đài viên" and stays silent while the conversation waits for an operator', async () => {
    const replies = await say('citizen-e', 'cho em gap tong dai vien');
    expect(replies[0].text).toMatch(/tổng đài viên|chưa có tổng đài viên trực/);
    const conversation = await platform.store.db.selectFrom('conversations').selectAll().where('external_user_id', '=', 'citizen-e').executeTakeFirstOrThrow();
    expect(conversation.state).toBe('queued');
    const before = callback.received.length;
    await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'citizen-e', messageId: `m-${++counter}`, text: 'tiêm vắc xin ở đâu' }),
    });
    await platform.settle();
    expect(callback.received.length).toBe(before);
  });

  it('tells when operators answer if nobody is on shift', async () => {
    const replies = await say('citizen-f', 'tôi muốn nói chuyện với nhân viên');
    expect(replies[0].text).toContain('từ 7 giờ đến 21 giờ hằng ngày');
  });

  it('greets, thanks, says goodbye and repeats the last answer', async () => {
    expect((await say('citizen-g', 'Xin chào ad'))[0].text).toMatch(/^Dạ, Tổng đài 1022 tỉnh Bình Phước xin chào/);
    const answer = await say('citizen-g', 'F1 phai cach ly bao nhieu ngay vay ad');
    expect((await say('citizen-g', 'nhắc lại'))[0].text).toBe(answer[0].text);
    expect((await say('citizen-g', 'cảm ơn ạ'))[0].text).toMatch(/không có gì/);
    expect((await say('citizen-g', 'tạm biệt'))[0].text).toMatch(/chào anh\/chị/);
  });

  it('answers a symptom report with the safety text first, then asks only what is missing', async () => {
    const first = await say('citizen-h', 'me em bi sot va ho tu hom qua, o Bu Dang');
    expect(first[0].text).toMatch(/đã ghi nhận triệu chứng/);
    expect(first[0].text).toContain('Trung tâm Y tế huyện Bù Đăng');
    expect(first[1].text).toBe('Dạ, xin anh/chị cho số điện thoại để cán bộ y tế liên hệ ạ.');
    const done = await say('citizen-h', '0912 345 678');
    expect(done[0].text).toMatch(/đã chuyển đủ thông tin cho Trung tâm Y tế huyện Bù Đăng/);
    const kase = await platform.store.db.selectFrom('cases').selectAll().where('kind', '=', 'urgent').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(kase.symptoms)).toEqual(expect.arrayContaining(['sốt', 'ho']));
    expect(JSON.parse(kase.details)).toMatchObject({ phone: '0912345678' });
    expect(kase.agency_id).toBe('ttyt-bu-dang');
  });

  it('tells an emergency to call 115 at once', async () => {
    const replies = await say('citizen-i', 'ba toi kho tho, spo2 chi con 92');
    expect(replies[0].text).toMatch(/gọi ngay 115/);
  });

  it('takes a medical declaration, repeating each answer, and stores it for the contact', async () => {
    expect((await say('citizen-j', 'tôi muốn khai báo y tế'))[1].text).toBe('Dạ, xin anh/chị cho biết họ và tên ạ.');
    expect((await say('citizen-j', 'Nguyễn Văn An'))[0].text).toMatch(/ghi nhận: Nguyễn Văn An/);
    expect((await say('citizen-j', 'năm 19'))[0].text).toMatch(/4 chữ số/);
    await say('citizen-j', '1985');
    await say('citizen-j', '0913 222 333');
    await say('citizen-j', 'xã Tân Thành, thành phố Đồng Xoài');
    await say('citizen-j', 'không');
    await say('citizen-j', 'không');
    const confirm = await say('citizen-j', 'không');
    expect(confirm[0].text).toMatch(/Họ tên: Nguyễn Văn An\. Năm sinh: 1985\. Điện thoại: 0913222333/);
    expect((await say('citizen-j', 'đúng rồi'))[0].text).toMatch(/đã ghi nhận tờ khai y tế/);
    const row = await platform.store.db.selectFrom('declarations' as never).selectAll().executeTakeFirstOrThrow() as Record<string, unknown>;
    expect(row).toMatchObject({ full_name: 'Nguyễn Văn An', birth_year: 1985, phone: '0913222333' });

    // Operators list and export declarations; the content team does not see them.
    await createTestUser(platform.store.db, 'truc', 'operator');
    await createTestUser(platform.store.db, 'bien-tap', 'editor');
    const operator = await signInAs(platform.url, 'truc');
    const listed = await (await operator.request('GET', '/api/declarations')).json();
    expect(listed.declarations).toEqual([expect.objectContaining({ fullName: 'Nguyễn Văn An', phone: '0913222333' })]);
    const csv = await operator.request('GET', '/api/declarations/export?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/);
    expect(await csv.text()).toContain('Nguyễn Văn An');
    expect((await operator.request('GET', '/api/declarations/export?format=pdf')).status).toBe(400);
    expect((await operator.request('GET', '/api/declarations?from=hôm-qua')).status).toBe(400);
    const editor = await signInAs(platform.url, 'bien-tap');
    expect((await editor.request('GET', '/api/declarations')).status).toBe(403);
  });
});
