/**
 * Writes the daily report of one day from the configured database (DATA_DIR / DATABASE_URL), without mailing it:
 *   npm run report -- --date 2021-08-05 --out ./bao-cao
 * produces bao-cao-tong-dai-1022-2021-08-05.xlsx, .pdf and .html in the folder (created if missing).
 * Without --date: yesterday (local time, TIMEZONE). Migrations are applied first, as the platform does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { routingOver } from '../src/cases/agencies';
import { loadAgencyDirectory } from '../src/cases/agencyDirectory';
import { standaloneReports } from '../src/reports';
import { addDays, isDate, localDate } from '../src/reports/localTime';
import { reportFileName } from '../src/reports/reportService';
import { systemClock } from '../src/store/clock';
import { migrate, openDatabase } from '../src/store/db';

const USAGE = 'Cách dùng: npm run report -- --date YYYY-MM-DD --out THƯ_MỤC';

export function parseReportArgs(argv: string[]): { date?: string; out: string } {
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`Không hiểu tham số "${arg}".\n${USAGE}`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`Thiếu giá trị cho --${name}.\n${USAGE}`);
    options[name] = value;
  }
  for (const name of Object.keys(options)) if (name !== 'date' && name !== 'out') throw new Error(`Không có tham số --${name}.\n${USAGE}`);
  if (options.date !== undefined && !isDate(options.date)) throw new Error(`Ngày "${options.date}" không đúng dạng YYYY-MM-DD.`);
  return { date: options.date, out: options.out ?? '.' };
}

async function main(): Promise<void> {
  let args: { date?: string; out: string };
  try {
    args = parseReportArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const config = loadConfig();
  const store = openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrate(store.db);
    const day = args.date ?? addDays(localDate(new Date(), config.TIMEZONE), -1);
    const routing = routingOver(loadAgencyDirectory(path.join(config.KB_DIR, 'agencies.yaml'), { provincePointId: config.PROVINCE_POINT_AGENCY }));
    const reports = standaloneReports({
      db: store.db,
      clock: systemClock,
      kbDir: config.KB_DIR,
      timeZone: config.TIMEZONE,
      ackSlaMinutes: config.CASE_ACK_SLA_MINUTES,
      fontFile: config.REPORT_FONT,
      agencyName: (id) => (id ? routing.agencyById(id)?.name ?? id : '—'),
    });
    const built = await reports.build(day);
    fs.mkdirSync(args.out, { recursive: true });
    const files = {
      xlsx: path.join(args.out, reportFileName(day, 'xlsx')),
      pdf: path.join(args.out, reportFileName(day, 'pdf')),
      html: path.join(args.out, reportFileName(day, 'html')),
    };
    fs.writeFileSync(files.xlsx, built.xlsx);
    fs.writeFileSync(files.pdf, built.pdf);
    fs.writeFileSync(files.html, built.html);
    console.log(`Báo cáo ngày ${day}: ${built.data.total} tin.`);
    for (const f of Object.values(files)) console.log(`  ${f}`);
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error((err as Error).message ?? err);
    process.exit(1);
  });
}
