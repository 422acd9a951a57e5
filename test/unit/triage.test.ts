import { compileTriage, DEFAULT_SYMPTOMS_FILE, triage } from '../../src/nlp/triage';
import { loadTriageData } from '../../src/nlp/triageData';

const level = (text: string): string => triage(text).level;

describe('triage: reports of current symptoms are urgent', () => {
  test.each([
    'Em bị sốt từ hôm qua',
    'em bi sot tu hom qua',
    'ho nhiều quá, đau họng',
    'em bi ho khan 3 ngay nay',
    'mình bị mất vị giác, ăn không thấy mùi vị',
    'em k ngửi đc mùi j hết',
    'e sôt tu sang nay', // accent typo
    'em bi ho khang', // "khan" typo
    'Ddau hongj quas', // Telex leftovers
    'sốt 38 độ, ho, đau họng',
  ])('%s', (text) => expect(level(text)).toBe('urgent'));

  test('names the symptoms in canonical Vietnamese', () => {
    expect(triage('e bi sot, ho, met moi').symptoms).toEqual(['sốt', 'ho', 'mệt mỏi']);
  });
});

describe('triage: for someone the writer names', () => {
  test.each(['con em bị sốt', 'mẹ tôi ho 3 ngày nay', 'ong noi em bi sot nhe', 'vợ tôi bị đau họng', 'hàng xóm nhà em sốt mấy hôm nay'])('%s', (text) =>
    expect(level(text)).toBe('urgent'),
  );
  test.each(['F0 nhà em đang khó thở', 'bà em lơ mơ, gọi không tỉnh', 'bé nhà em li bì, bỏ bú'])('%s is an emergency', (text) =>
    expect(level(text)).toBe('emergency'),
  );
});

describe('triage: warning signs are emergencies', () => {
  test.each([
    'khó thở',
    'kho tho qua', // never dropped for its harmless reading
    'k tho dc',
    'mẹ em thở không nổi',
    'thở dốc, hụt hơi',
    'đau tức ngực',
    'môi tím tái',
    'con em bị co giật',
    'ba em ngất xỉu',
    'ho ra máu',
    'sốt 40 độ',
    'nhịp thở 30 lần/phút',
  ])('%s', (text) => expect(level(text)).toBe('emergency'));

  test('"what do I do" about a warning sign is taken as a report; about a plain symptom it is a question', () => {
    expect(level('khó thở phải làm sao')).toBe('emergency');
    expect(level('Đau họng phải làm sao')).toBe('none');
    expect(level('nếu khó thở thì phải làm gì')).toBe('none');
  });

  test('a negated symptom does not hide a warning sign after "nhưng"', () => {
    expect(triage('hết sốt rồi nhưng vẫn khó thở')).toEqual({ level: 'emergency', symptoms: ['khó thở'] });
  });
});

describe('triage: SpO2 readings', () => {
  test.each(['spo2 94', 'sp02 93%', 'chỉ số oxy 92', 'SpO2: 88%', 'SPO2 của mẹ em chỉ 89%', 'nồng độ oxy trong máu 93', 'đo oxy được 90%'])(
    '%s is an emergency',
    (text) => expect(triage(text)).toEqual({ level: 'emergency', symptoms: ['SpO2 thấp'] }),
  );
  test('96 is reported but not an emergency (the limit is "under 96")', () => expect(level('spo2 96')).toBe('urgent'));
  test.each(['spo2 98, em khỏe', 'SpO2 bao nhiêu là nguy hiểm?', 'spo2 duoi 96 thi phai lam gi', 'máy đo spo2 mua ở đâu'])('%s is not a report', (text) =>
    expect(level(text)).toBe('none'),
  );
});

describe('triage: after vaccination', () => {
  test.each(['tiêm xong bị đau chỗ tiêm', 'tiem xong bi sot voi dau tay', 'Em tiêm Pfizer mũi 2 tối qua, nay sốt nhẹ, ớn lạnh', 'tiêm mũi 1 bị sốt 39 độ'])(
    'a usual reaction is urgent: %s',
    (text) => expect(level(text)).toBe('urgent'),
  );
  test.each([
    'tiêm xong sốt cao 39,5 độ',
    'con tôi tiêm về sốt trên 39 độ',
    'tiêm xong nổi mẩn đỏ toàn thân và khó thở',
    'tiem xong bi sung moi, sung mat',
    'tiêm xong bị tê môi, tê lưỡi',
    'tiêm xong bị choáng, xây xẩm',
  ])('a serious reaction is an emergency: %s', (text) => expect(level(text)).toBe('emergency'));

  test('a rash with other signs after vaccination is named as anaphylaxis', () => {
    expect(triage('tiêm xong nổi mề đay khắp người, chóng mặt').symptoms).toContain('phản vệ');
  });
  test('a sore arm without vaccination is not a COVID report', () => expect(level('em bị đau tay do xách nặng')).toBe('none'));
  test('fever of 39.5 without vaccination is urgent, 40 is an emergency', () => {
    expect(level('em sốt 39,5 độ')).toBe('urgent');
    expect(level('em sốt 40 độ')).toBe('emergency');
  });
});

describe('triage: negation and recovery are not reports', () => {
  test.each([
    'Em không ho, không sốt',
    'ko sốt',
    'e k ho k sot',
    'em khong co trieu chung gi',
    'chưa có triệu chứng gì ạ',
    'hết sốt rồi',
    'đã khỏi',
    'con em đã hết ho, hết sốt',
    'em không có dấu hiệu khó thở hay tức ngực gì',
    'tuần trước em bị sốt nhưng giờ khỏe rồi',
    'tôi chẳng ho chẳng sốt gì cả',
  ])('%s', (text) => expect(level(text)).toBe('none'));

  test.each(['em không sốt nhưng ho nhiều', 'chưa hết sốt, vẫn 38 độ', 'vẫn còn ho', 'mẹ em thở không được'])('…but these are: %s', (text) =>
    expect(level(text)).not.toBe('none'),
  );
});

describe('triage: general and hypothetical questions are not reports', () => {
  test.each([
    'Sốt bao nhiêu độ thì phải đi viện?',
    'nếu bị ho thì làm gì',
    'triệu chứng của covid là gì',
    'tiêm xong có bị sốt không',
    'tiem xong co bi sot ko',
    'khó thở có phải triệu chứng covid không?',
    'Người đang sốt có được tiêm không?',
    'Trẻ em bị sốt sau tiêm thì xử lý thế nào?',
    'cho em hỏi xíu, bị ho khan kéo dài có lây không',
    'Sốt trên 38,5 độ thì uống thuốc hạ sốt gì?',
  ])('%s', (text) => expect(level(text)).toBe('none'));

  test.each([
    'Con em bị sốt 38 độ, có sao không ạ?',
    'em đang bị sốt có được tiêm không ạ',
    'Cho em hỏi, mẹ em bị ho thì có cần xét nghiệm không',
    'mẹ em đang bị ho có tiêm được không', // "ho có" here is not "họ có"
  ])(
    'a question about a real case is still a report: %s',
    (text) => expect(level(text)).toBe('urgent'),
  );
});

describe('triage: other meanings of words typed without diacritics', () => {
  test.each([
    'ho khau cua em o Dong Xoai',
    'ghi ho ten day du',
    'ho boi mo cua chua',
    'nop ho so xin ho tro',
    'ho gia dinh kho khan duoc ho tro gi',
    'ho ngheo duoc ho tro bao nhieu',
    'danh sach tiem bi bo sot ten em',
    'thong tin bi sai sot',
    'kham dau mat o dau',
    'rua mat mui sach se',
    'em o dau thi tiem o do',
    'anh ho cua em la F1',
    'Họ tên người tiêm ghi thế nào?',
    'Hồ bơi có mở cửa không?',
  ])('%s', (text) => expect(level(text)).toBe('none'));

  test('an ambiguous phrase counts in a symptomatic context', () => {
    expect(triage('em bi sot, mat mui tu hom qua').symptoms).toEqual(['sốt', 'mất khứu giác']);
    expect(level('em bi ho nhieu')).toBe('urgent');
  });
});

describe('triage: ordinary questions', () => {
  test.each(['Cho em hỏi lịch tiêm vắc xin ở Đồng Xoài', 'F1 cách ly tại nhà bao nhiêu ngày?', 'hỗ trợ 1,8 triệu nhận ở đâu', 'gặp tổng đài viên', '', '   '])(
    '%s',
    (text) => expect(triage(text)).toEqual({ level: 'none', symptoms: [] }),
  );
});

describe('triage: the lexicon is data', () => {
  const data = loadTriageData(DEFAULT_SYMPTOMS_FILE);

  test('a term added to symptoms.yaml is recognized without code changes', () => {
    const before = compileTriage(data);
    expect(before('em bị zona thần kinh').level).toBe('none');
    const edited = structuredClone(data);
    edited.symptoms.push({ name: 'zona', level: 'urgent', terms: ['zona thần kinh'] });
    expect(compileTriage(edited)('em bị zona thần kinh')).toEqual({ level: 'urgent', symptoms: ['zona'] });
  });

  test('thresholds come from the data', () => {
    const edited = structuredClone(data);
    edited.thresholds.spo2_emergency_below = 93;
    expect(compileTriage(edited)('spo2 94').level).toBe('urgent');
    expect(compileTriage(edited)('spo2 92').level).toBe('emergency');
  });

  test('is fast enough to run on every message', () => {
    const texts = ['em bi sot tu hom qua', 'Cho em hỏi lịch tiêm vắc xin ở Đồng Xoài', 'mẹ em khó thở, SpO2 93%', 'ho khau cua em o dau'];
    for (const t of texts) triage(t);
    const start = process.cpuUsage();
    const rounds = 50;
    for (let i = 0; i < rounds; i++) for (const t of texts) triage(t);
    const used = process.cpuUsage(start);
    const perMessageMs = (used.user + used.system) / 1000 / (rounds * texts.length);
    expect(perMessageMs).toBeLessThan(1);
  });
});
