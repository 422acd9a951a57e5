/** Questions the bot could not answer are kept for the content team without the citizen's personal data. */
import { maskPersonalData } from '../../src/kb/usage';

describe('masking personal data in collected questions', () => {
  it('masks phone numbers, emails, a name after a name cue and a street address', () => {
    const masked = maskPersonalData('em tên Nguyễn Văn An ở số 12 đường Phú Riềng Đỏ, sđt 0912 345 678, mail an.nv@gmail.com hỏi tiêm vx ở đâu');
    for (const personal of ['Nguyễn Văn An', '12 đường Phú Riềng Đỏ', '0912 345 678', 'an.nv@gmail.com']) expect(masked).not.toContain(personal);
    expect(masked).toContain('[số điện thoại]');
    expect(masked).toContain('hỏi tiêm vx ở đâu');
  });

  it('leaves a question without personal data as it is', () => {
    expect(maskPersonalData('F1 phải cách ly bao nhiêu ngày?')).toBe('F1 phải cách ly bao nhiêu ngày?');
  });
});
