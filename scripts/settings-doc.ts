/**
 * Documents every setting of src/config.ts:
 *   npx tsx scripts/settings-doc.ts --env      rewrites .env.example
 *   npx tsx scripts/settings-doc.ts --readme   rewrites the settings table of README.md (between its markers)
 *   npx tsx scripts/settings-doc.ts            prints the table
 */
import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../src/config';

const root = path.resolve(__dirname, '..');
const rows = Object.entries(SETTINGS) as Array<[string, { default: string; doc: string; secret?: boolean }]>;

function envFile(): string {
  const lines = ['# hotline1022 settings. Copy to .env and change what you need; the environment wins over this file.', '# Generated from src/config.ts by scripts/settings-doc.ts --env.'];
  for (const [name, s] of rows) lines.push('', `# ${s.doc}${s.secret ? ' (secret)' : ''}`, `${name}=${s.default}`);
  return `${lines.join('\n')}\n`;
}

function table(): string {
  const lines = ['| setting | default | what it does |', '|---|---|---|'];
  for (const [name, s] of rows) lines.push(`| \`${name}\` | ${s.default ? `\`${s.default}\`` : '—'} | ${s.doc}${s.secret ? ' (secret: never logged)' : ''} |`);
  return lines.join('\n');
}

if (process.argv.includes('--env')) fs.writeFileSync(path.join(root, '.env.example'), envFile());
else if (process.argv.includes('--readme')) {
  const file = path.join(root, 'README.md');
  const readme = fs.readFileSync(file, 'utf8');
  const start = readme.indexOf('<!-- settings:start');
  const end = readme.indexOf('<!-- settings:end -->');
  if (start < 0 || end < 0) throw new Error('README.md has no settings markers');
  const open = readme.indexOf('\n', start) + 1;
  fs.writeFileSync(file, `${readme.slice(0, open)}${table()}\n${readme.slice(end)}`);
} else console.log(table());
