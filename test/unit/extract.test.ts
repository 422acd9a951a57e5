import { loadAgencyDirectory } from '../../src/cases/agencyDirectory';
import { extractCommune, extractDetails, extractDistrict, extractOnset, extractPhone, extractSubject } from '../../src/nlp/extract';

const areas = loadAgencyDirectory().areas.filter((a) => a.validTo === undefined || a.validTo >= '2021-12-31');
// 10:00 on Wednesday 25/8/2021 in Vietnam.
const now = new Date('2021-08-25T03:00:00Z');

describe('extractSubject', () => {
  test.each([
    ['em bị sốt từ hôm qua', 'self', undefined],
    ['Tôi ho 3 ngày nay', 'self', undefined],
    ['Ad ơi mình bị mất vị giác', 'self', undefined],
    ['con em bị sốt', 'other', 'con'],
    ['Cho em hỏi, mẹ em bị ho', 'other', 'mẹ'],
    ['ong noi em bi sot', 'other', 'ông nội'],
    ['Bà ngoại em bị sốt', 'other', 'bà ngoại'],
    ['vợ tôi đau họng', 'other', 'vợ'],
    ['chong em bi sot', 'other', 'chồng'],
    ['bé nhà em sốt 38 độ', 'other', 'con'],
    ['em gái tôi mất khứu giác', 'other', 'em gái'],
    ['hàng xóm nhà em bị sốt', 'other', 'hàng xóm'],
  ])('%s → %s %s', (text, who, relation) => {
    const subject = extractSubject(text);
    expect(subject?.who).toBe(who);
    expect(subject?.relation).toBe(relation);
  });

  test('keeps the words as written', () => expect(extractSubject('me toi ho nhieu')?.text).toBe('me toi'));
  test.each(['sốt cao quá', 'co ai giup voi', 'Anh ơi cho hỏi'])('nobody named: %s', (text) => expect(extractSubject(text)).toBeUndefined());
});

describe('extractOnset', () => {
  test.each([
    ['bị sốt từ hôm qua', 1, '2021-08-24'],
    ['ho 2 ngày nay', 2, '2021-08-23'],
    ['sáng nay em thấy mệt', 0, '2021-08-25'],
    ['sốt từ 20/8', 5, '2021-08-20'],
    ['sot 3 hom roi', 3, '2021-08-22'],
    ['từ thứ hai', 2, '2021-08-23'],
    ['ho 1 tuần nay', 7, '2021-08-18'],
    ['từ hôm kia', 2, '2021-08-23'],
  ])('%s → %d days ago', (text, daysAgo, date) => {
    expect(extractOnset(text, now)).toEqual(expect.objectContaining({ daysAgo, date }));
  });

  test('keeps the words as written', () => expect(extractOnset('Em bị sốt từ hôm qua ạ', now)?.text).toBe('từ hôm qua'));
  test('"mấy ngày nay" has no date', () => expect(extractOnset('ho mấy ngày nay', now)).toEqual({ text: 'mấy ngày nay' }));
  test('a dose number is not a duration', () => expect(extractOnset('tiêm mũi 2 hôm qua', now)?.daysAgo).toBe(1));
  test('nothing about time', () => expect(extractOnset('em bị sốt 38 độ', now)).toBeUndefined());
});

describe('extractDistrict', () => {
  test.each([
    ['em ở tx Binh Long', 'binh-long'],
    ['nhà em ở BGM', 'bu-gia-map'],
    ['DX', 'dong-xoai'],
    ['phường Tân Phú, TP Đồng Xoài', 'dong-xoai'],
    ['thành phố Đồng Xoài', 'dong-xoai'],
    ['huyen bu dang', 'bu-dang'],
    ['Bù Đốp', 'bu-dop'],
    ['em ở Phú Riềng', 'phu-rieng'],
    ['o Loc Ninh', 'loc-ninh'],
    ['tu Binh Duong ve, dang o Chon Thanh', 'chon-thanh'],
  ])('%s → %s', (text, id) => expect(extractDistrict(text, areas)?.id).toBe(id));
  test.each(['em ở thành phố Hồ Chí Minh', 'tiêm ở đâu', 'Bình Dương'])('none in: %s', (text) => expect(extractDistrict(text, areas)).toBeUndefined());
});

describe('extractCommune', () => {
  test.each([
    ['xã Tân Thành', 'xã', 'Tân Thành'],
    ['phường Tân Phú, TP Đồng Xoài', 'phường', 'Tân Phú'],
    ['xa Tan Thanh huyen Dong Phu', 'xã', 'Tan Thanh'],
    ['em o xa minh hung huyen chon thanh', 'xã', 'Minh Hung'],
    ['P.Tân Bình', 'phường', 'Tân Bình'],
    ['thị trấn Lộc Ninh', 'thị trấn', 'Lộc Ninh'],
    ['tt Chơn Thành', 'thị trấn', 'Chơn Thành'],
    ['xã Tân Thành Đồng Xoài', 'xã', 'Tân Thành'],
  ])('%s', (text, type, name) => expect(extractCommune(text, areas)).toEqual({ type, name }));
  test.each(['nhà em ở xa lắm', 'em ở Đồng Xoài'])('none in: %s', (text) => expect(extractCommune(text, areas)).toBeUndefined());
});

describe('extractPhone', () => {
  test.each([
    ['sđt 0912 345 678', '0912345678'],
    ['+84 912 345 678', '0912345678'],
    ['0912.345.678', '0912345678'],
    ['so cua em 0987654321 nhe', '0987654321'],
    ['84 912 345 678', '0912345678'],
    ['0271 3 888 999', '02713888999'],
    ['0912345678 38 độ', '0912345678'],
  ])('%s → %s', (text, phone) => expect(extractPhone(text)).toBe(phone));
  test.each(['cccd 070123456789', '0123456789', 'gọi 1022', 'cấp cứu 115', '091234567', 'sốt 38,5 độ từ 20/8'])('not a phone: %s', (text) =>
    expect(extractPhone(text)).toBeUndefined(),
  );
});

describe('extractDetails', () => {
  test('pulls everything a citizen gives in one message', () => {
    expect(extractDetails('Mẹ em bị sốt từ hôm qua, ở xã Tân Lập huyện Đồng Phú, sđt 0912 345 678', areas, now)).toEqual({
      who: 'mẹ',
      subject: { who: 'other', relation: 'mẹ', text: 'Mẹ em' },
      onset: 'từ hôm qua',
      onsetDate: '2021-08-24',
      district: 'huyện Đồng Phú',
      districtId: 'dong-phu',
      commune: 'xã Tân Lập',
      phone: '0912345678',
    });
  });
  test('absent details stay absent', () => expect(extractDetails('sốt cao', areas, now)).toEqual({}));
});
