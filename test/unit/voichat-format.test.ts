/** Speech-ready replies: what a Vietnamese voice reads aloud, and how long answers are cut. */
import { chunkSpeech, readDigits, toSpeech } from '../../channels/voichat/format';
import { asksForOperator, asksToContinue, yesOrNo } from '../../channels/voichat/phrases';

describe('toSpeech', () => {
  it.each([
    ['F0 cần cách ly', 'ép không cần cách ly.'],
    ['F1 và F2', 'ép một và ép hai.'],
    ['Gọi 1022', 'Gọi một không hai hai.'],
    ['Gọi 115 khi khó thở', 'Gọi một một năm khi khó thở.'],
    ['Số máy 0271 1022', 'Số máy không hai bảy một, một không hai hai.'],
    ['Gọi 0912.345.678', 'Gọi không chín một hai, ba bốn năm, sáu bảy tám.'],
    ['Từ ngày 21/8/2021', 'Từ ngày 21 tháng 8 năm 2021.'],
    ['Hạn chót 05/09/2021', 'Hạn chót ngày 5 tháng 9 năm 2021.'],
    ['Áp dụng từ 9/7', 'Áp dụng từ ngày 9 tháng 7.'],
    ['Theo QĐ 4038/QĐ-BYT', 'Theo quyết định số 4038 của Bộ Y tế.'],
    ['Chỉ thị 16/CT-TTg', 'Chỉ thị số 16 của Thủ tướng.'],
    ['TP. Đồng Xoài', 'thành phố Đồng Xoài.'],
    ['Về từ TP.HCM', 'Về từ thành phố Hồ Chí Minh.'],
    ['Hiệu quả 95%', 'Hiệu quả 95 phần trăm.'],
    ['Xét nghiệm RT-PCR hoặc PCR', 'Xét nghiệm rê tê pê xê e hoặc pê xê e.'],
    ['Làm việc 7h30 đến 21h', 'Làm việc 7 giờ 30 đến 21 giờ.'],
    ['Cách ly 7-14 ngày', 'Cách ly 7 đến 14 ngày.'],
    ['Anh/chị ở huyện/thị xã nào?', 'Anh chị ở huyện hoặc thị xã nào?'],
  ])('%s → %s', (text, spoken) => {
    expect(toSpeech(text)).toBe(spoken);
  });

  it('drops links, markdown and emoji, and ends lines as sentences', () => {
    const spoken = toSpeech('**Lưu ý** 😷\n- Đeo khẩu trang\n- Xem thêm tại https://binhphuoc.gov.vn/covid\n## Hết');
    expect(spoken).toBe('Lưu ý. Đeo khẩu trang. Hết.');
  });

  it('reads digits one by one', () => {
    expect(readDigits('0271')).toBe('không hai bảy một');
  });
});

describe('chunkSpeech', () => {
  it('cuts on sentence boundaries under the limit and loses nothing', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Câu số ${i + 1} nói về cách ly tại nhà.`).join(' ');
    const chunks = chunkSpeech(text, 120);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(120);
      expect(c).toMatch(/\.$/);
    }
    expect(chunks.join(' ')).toBe(text);
  });

  it('cuts a sentence longer than the limit at commas or words', () => {
    const long = `${'người dân cần khai báo, '.repeat(30)}xong.`;
    const chunks = chunkSpeech(long, 100);
    expect(chunks.every((c) => c.length <= 100)).toBe(true);
    expect(chunks.join(' ').replace(/\s+/g, ' ')).toBe(long.trim());
  });
});

describe('phrases the switchboard understands', () => {
  it.each(['gặp tổng đài viên', 'cho tôi gặp tong dai vien', 'tôi muốn nói chuyện với người thật', 'gặp nhân viên'])('"%s" asks for a person', (t) => {
    expect(asksForOperator(t)).toBe(true);
  });
  it.each(['nhân viên y tế có đến nhà không', 'tổng đài ơi cho hỏi', 'cách ly bao lâu'])('"%s" does not', (t) => {
    expect(asksForOperator(t)).toBe(false);
  });
  it('tells yes from no and from a new question', () => {
    expect(yesOrNo('đúng rồi')).toBe(true);
    expect(yesOrNo('dạ vâng')).toBe(true);
    expect(yesOrNo('không đúng')).toBe(false);
    expect(yesOrNo('sai rồi')).toBe(false);
    expect(yesOrNo('tôi muốn hỏi về lịch tiêm vắc xin mũi hai')).toBeUndefined();
  });
  it('hears "nghe tiếp"', () => {
    expect(asksToContinue('nghe tiếp')).toBe(true);
    expect(asksToContinue('tiếp tục đi')).toBe(true);
    expect(asksToContinue('tiếp xúc với F0 thì sao')).toBe(false);
  });
});
