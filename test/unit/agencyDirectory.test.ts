import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { AgencyDataError, createAgencyDirectory, DEFAULT_AGENCIES_FILE, loadAgencyDirectory, vietnamDay } from '../../src/cases/agencyDirectory';

const AUG_2021 = new Date('2021-08-25T03:00:00Z');
const raw = (): Record<string, any> => parse(readFileSync(DEFAULT_AGENCIES_FILE, 'utf8'));

describe('the 2021 seed directory', () => {
  const directory = loadAgencyDirectory();

  test('has the 11 district-level units, each served by its health centre', () => {
    const day = vietnamDay(AUG_2021);
    const current = directory.areas.filter((a) => (a.validFrom ?? '') <= day && day <= (a.validTo ?? '9999'));
    expect(current.map((a) => a.name).sort()).toEqual(
      ['Bình Long', 'Bù Đăng', 'Bù Gia Mập', 'Bù Đốp', 'Chơn Thành', 'Đồng Phú', 'Đồng Xoài', 'Hớn Quản', 'Lộc Ninh', 'Phú Riềng', 'Phước Long'].sort(),
    );
    for (const area of current) {
      const agency = directory.route({ level: 'urgent', districtId: area.id }, AUG_2021);
      expect(agency.kind).toBe('district');
      expect(agency.name).toMatch(/^Trung tâm Y tế (huyện|thị xã|thành phố) /);
      expect(agency.name.endsWith(area.name)).toBe(true);
    }
  });

  test('routes an urgent case to the centre of the district named in the text', () => {
    const cases: Array<[string, string]> = [
      ['em ở tx Binh Long', 'Trung tâm Y tế thị xã Bình Long'],
      ['nhà em ở BGM', 'Trung tâm Y tế huyện Bù Gia Mập'],
      ['phường Tân Phú, TP Đồng Xoài', 'Trung tâm Y tế thành phố Đồng Xoài'],
      ['xa Minh Hung huyen Chon Thanh', 'Trung tâm Y tế huyện Chơn Thành'],
    ];
    for (const [text, name] of cases) {
      const area = directory.findArea(text, AUG_2021);
      expect(directory.route({ level: 'urgent', districtId: area?.id }, AUG_2021).name).toBe(name);
    }
  });

  test('sends emergencies and unknown districts to the province coordination point', () => {
    expect(directory.route({ level: 'emergency', districtId: 'bu-dang' }, AUG_2021).id).toBe('so-y-te');
    expect(directory.route({ level: 'urgent' }, AUG_2021).id).toBe('so-y-te');
    expect(directory.route({ level: 'urgent', districtId: 'quan-1' }, AUG_2021).id).toBe('so-y-te');
    expect(directory.findArea('em ở thành phố Hồ Chí Minh', AUG_2021)).toBeUndefined();
  });

  test('the province point is configurable', () => {
    const cdc = loadAgencyDirectory(DEFAULT_AGENCIES_FILE, { provincePointId: 'cdc-binh-phuoc' });
    expect(cdc.route({ level: 'emergency', districtId: 'dong-xoai' }, AUG_2021).name).toBe('Trung tâm Kiểm soát bệnh tật (CDC) tỉnh Bình Phước');
    expect(() => loadAgencyDirectory(DEFAULT_AGENCIES_FILE, { provincePointId: 'ttyt-dong-xoai' })).toThrow(/not a province agency/);
  });

  test('follows the areas through time: Chơn Thành became a thị xã in October 2022', () => {
    expect(directory.findArea('Chơn Thành', AUG_2021)?.type).toBe('huyện');
    const later = new Date('2023-03-01T03:00:00Z');
    const area = directory.findArea('Chơn Thành', later);
    expect(area).toEqual(expect.objectContaining({ id: 'chon-thanh-tx', type: 'thị xã' }));
    expect(directory.route({ level: 'urgent', districtId: area?.id }, later).id).toBe('ttyt-chon-thanh');
    // The seed does not apply the 2025 reorganization (see agencies.yaml): the 2021 districts are still routed.
    expect(directory.findArea('Đồng Xoài', new Date('2025-08-01T03:00:00Z'))?.id).toBe('dong-xoai');
  });

  test('knows the national emergency number', () => expect(directory.hotline('cap-cuu')?.number).toBe('115'));

  test('has no invented contact data: unconfirmed e-mails are placeholders, unconfirmed phones are empty', () => {
    for (const agency of directory.agencies) {
      if (agency.toConfirm.includes('emails')) for (const email of agency.emails) expect(email).toMatch(/@[a-z0-9.-]+\.example$/);
      if (agency.toConfirm.includes('phones')) expect(agency.phones).toEqual([]);
      if (agency.kind === 'district') expect(agency.emails.length).toBeGreaterThan(0);
    }
  });
});

describe('validity dates and successors', () => {
  /** The seed with Đồng Xoài's centre closed on 30/6/2021 and replaced, and the 2025 merger of the province point. */
  function reorganized(): Record<string, any> {
    const data = raw();
    const old = data.agencies.find((a: { id: string }) => a.id === 'ttyt-dong-xoai');
    old.valid_to = '2021-06-30';
    old.successor_id = 'ttyt-dong-xoai-moi';
    data.agencies.push({ ...old, id: 'ttyt-dong-xoai-moi', name: 'Trung tâm Y tế Đồng Xoài (mới)', valid_from: '2021-07-01', valid_to: undefined, successor_id: undefined });
    const point = data.agencies.find((a: { id: string }) => a.id === 'so-y-te');
    point.valid_to = '2025-06-30';
    point.successor_id = 'so-y-te-dong-nai';
    data.agencies.push({ id: 'so-y-te-dong-nai', kind: 'province', name: 'Sở Y tế tỉnh Đồng Nai', source: 'test', valid_from: '2025-07-01' });
    return data;
  }

  test('an agency whose valid_to is past is not chosen', () => {
    const directory = createAgencyDirectory(reorganized());
    expect(directory.route({ level: 'urgent', districtId: 'dong-xoai' }, AUG_2021).id).toBe('ttyt-dong-xoai-moi');
    expect(directory.route({ level: 'urgent', districtId: 'dong-xoai' }, new Date('2021-05-10T03:00:00Z')).id).toBe('ttyt-dong-xoai');
  });

  test('validity is judged on the Vietnam calendar day', () => {
    const directory = createAgencyDirectory(reorganized());
    // 30/6/2021 18:00 UTC is already 1/7/2021 in Vietnam.
    expect(directory.route({ level: 'urgent', districtId: 'dong-xoai' }, new Date('2021-06-30T18:00:00Z')).id).toBe('ttyt-dong-xoai-moi');
  });

  test('a closed centre without a successor falls back to the province point', () => {
    const data = raw();
    data.agencies.find((a: { id: string }) => a.id === 'ttyt-bu-dop').valid_to = '2021-01-31';
    expect(createAgencyDirectory(data).route({ level: 'urgent', districtId: 'bu-dop' }, AUG_2021).id).toBe('so-y-te');
  });

  test('the 2025 reorganization is a data edit: the province point follows its successor', () => {
    const directory = createAgencyDirectory(reorganized());
    expect(directory.provincePoint(AUG_2021).id).toBe('so-y-te');
    expect(directory.route({ level: 'emergency' }, new Date('2025-07-02T03:00:00Z')).name).toBe('Sở Y tế tỉnh Đồng Nai');
  });
});

describe('agencies.yaml validation', () => {
  test('names the row and field of a mistake', () => {
    const data = raw();
    data.agencies[4].emails = ['not an email'];
    expect(() => createAgencyDirectory(data)).toThrow(AgencyDataError);
    expect(() => createAgencyDirectory(data)).toThrow(/agencies\[4\] \(ttyt-binh-long\)\.emails\[0\]/);
  });

  test.each([
    ['an unknown area', (d: Record<string, any>) => d.agencies[3].areas.push('quan-1'), /area "quan-1" is not in areas/],
    ['a missing province point', (d: Record<string, any>) => (d.routing.province_point = 'so-y-te-cu'), /province point "so-y-te-cu" is not an agency/],
    ['a duplicate id', (d: Record<string, any>) => d.agencies.push({ ...d.agencies[0] }), /two agencies have the same id/],
    ['an unknown successor', (d: Record<string, any>) => (d.agencies[0].successor_id = 'khong-co'), /successor_id "khong-co"/],
    ['a date without quotes or in another format', (d: Record<string, any>) => (d.areas[0].valid_to = '30/6/2025'), /areas\[0\] \(dong-xoai\)\.valid_to/],
  ])('rejects %s', (_name, edit, message) => {
    const data = raw();
    edit(data);
    expect(() => createAgencyDirectory(data)).toThrow(message);
  });

  test('an unreadable file says which', () => {
    expect(() => loadAgencyDirectory('/nonexistent/agencies.yaml')).toThrow(/cannot read \/nonexistent\/agencies\.yaml/);
  });
});
