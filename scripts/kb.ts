/**
 * Knowledge-base tool:
 *   npm run kb -- validate [DIR|FILE]     every problem with file:line (YAML) or row (CSV/XLSX); exit 1 if any.
 *                                          Without an argument: knowledge-base/qa, teencode.yaml, synonyms.yaml.
 *   npm run kb -- export FILE.csv|FILE.xlsx   the YAML base (knowledge-base/qa) as a table.
 *   npm run kb -- import FILE.csv|FILE.xlsx   validates the table and previews what it would add, change and remove
 *                                          against the YAML base; any bad row refuses the whole file.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { KbEntry } from '../src/domain/kb';
import { planImport } from '../src/kb/importPlan';
import { loadKnowledgeBase } from '../src/kb/loader';
import { formatProblem, type KbProblem } from '../src/kb/problems';
import { formatRowError, unexportable } from '../src/kb/table';
import { readTableFile, tableFormatOf, writeTableFile } from '../src/kb/tableFile';
import { loadTemplates } from '../src/kb/templates';
import { loadTextRules, parseSynonyms, parseTeencode, teencodeForms } from '../src/kb/textRulesFile';
import { readFileSync } from 'node:fs';

const ROOT = resolve(__dirname, '..');
const KB_DIR = resolve(ROOT, 'knowledge-base');
const QA_DIR = resolve(KB_DIR, 'qa');
const USAGE = 'usage: npm run kb -- validate [DIR|FILE] | export FILE.csv|FILE.xlsx | import FILE.csv|FILE.xlsx';

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function citizenForms(): Set<string> {
  const rules = loadTextRules(resolve(KB_DIR, 'teencode.yaml'), resolve(KB_DIR, 'synonyms.yaml'));
  return teencodeForms(rules.rules);
}

function printProblems(problems: KbProblem[]): void {
  for (const p of problems) out(formatProblem(p));
}

/** The YAML base, or exit 1 with its problems. */
function yamlBaseOrExit(): KbEntry[] {
  const base = loadKnowledgeBase(QA_DIR, { citizenForms: citizenForms() });
  if (base.problems.length > 0) {
    printProblems(base.problems);
    out(`\n${base.problems.length} problem(s) in ${QA_DIR}: fix them first.`);
    process.exit(1);
  }
  return base.entries;
}

async function validate(target: string | undefined): Promise<number> {
  const problems: KbProblem[] = [];
  let entryCount = 0;
  if (!target) {
    const rules = loadTextRules(resolve(KB_DIR, 'teencode.yaml'), resolve(KB_DIR, 'synonyms.yaml'));
    problems.push(...rules.problems);
    const base = loadKnowledgeBase(QA_DIR, { citizenForms: teencodeForms(rules.rules) });
    problems.push(...base.problems);
    entryCount = base.entries.length;
    try {
      loadTemplates(resolve(KB_DIR, 'templates.yaml'));
    } catch (err) {
      out((err as Error).message);
      return 1;
    }
  } else {
    const path = resolve(target);
    if (!existsSync(path)) {
      out(`${target}: no such file or directory`);
      return 1;
    }
    if (tableFormatOf(path)) {
      const result = await readTableFile(path, { strict: true, citizenForms: citizenForms() });
      if (!result.ok) {
        for (const e of result.errors) out(`${target}: ${formatRowError(e)}`);
        out(`\n${result.errors.length} problem(s): the file would be refused.`);
        return 1;
      }
      out(`${target}: ${result.entries.length} entries, no problems.`);
      return 0;
    }
    const name = basename(path);
    if (name === 'teencode.yaml') problems.push(...parseTeencode(readFileSync(path, 'utf8'), target).problems);
    else if (name === 'synonyms.yaml') problems.push(...parseSynonyms(readFileSync(path, 'utf8'), target).problems);
    else if (statSync(path).isDirectory() || /\.ya?ml$/i.test(path)) {
      const base = loadKnowledgeBase(path, { citizenForms: citizenForms() });
      problems.push(...base.problems);
      entryCount = base.entries.length;
    } else {
      out(`${target}: expected a folder, a .yaml, .csv or .xlsx file`);
      return 1;
    }
  }
  printProblems(problems);
  if (problems.length > 0) {
    out(`\n${problems.length} problem(s): the base would be refused.`);
    return 1;
  }
  out(`${entryCount ? `${entryCount} entries, ` : ''}no problems.`);
  return 0;
}

async function exportBase(file: string | undefined): Promise<number> {
  if (!file || !tableFormatOf(file)) {
    out(USAGE);
    return 2;
  }
  const entries = yamlBaseOrExit();
  const bad = unexportable(entries);
  if (bad.length > 0) {
    out(`cannot export: an alternative or keyword contains "|" in ${bad.join(', ')}`);
    return 1;
  }
  await writeTableFile(resolve(file), entries);
  out(`${entries.length} entries written to ${file}`);
  return 0;
}

async function importBase(file: string | undefined): Promise<number> {
  if (!file || !tableFormatOf(file)) {
    out(USAGE);
    return 2;
  }
  if (!existsSync(file)) {
    out(`${file}: no such file`);
    return 1;
  }
  const current = yamlBaseOrExit();
  const plan = await planImport(resolve(file), current, citizenForms());
  if (!plan.ok) {
    for (const e of plan.errors) out(`${file}: ${formatRowError(e)}`);
    out(`\n${plan.errors.length} problem(s): nothing imported.`);
    return 1;
  }
  const { added, changed, removed, unchanged } = plan.diff;
  out(`${file}: ${plan.entries.length} valid entries. Compared with knowledge-base/qa:`);
  out(`  added ${added.length}, changed ${changed.length}, removed ${removed.length}, unchanged ${unchanged}`);
  for (const e of added) out(`  + ${e.id}  ${e.question}`);
  for (const c of changed) out(`  ~ ${c.id}  (${c.fields.join(', ')})`);
  for (const e of removed) out(`  - ${e.id}  ${e.question}`);
  // The live base changes only through the console (Nhập / xuất tệp): there an import is audited, reviewed and
  // published by a second person, and reaches every instance. This command checks a file before that.
  out('\nPreview only: apply it in the console (/console → Nhập / xuất tệp); nothing was changed here.');
  return 0;
}

async function main(): Promise<void> {
  const [command, arg] = process.argv.slice(2);
  let code: number;
  if (command === 'validate') code = await validate(arg);
  else if (command === 'export') code = await exportBase(arg);
  else if (command === 'import') code = await importBase(arg);
  else {
    out(USAGE);
    code = 2;
  }
  process.exitCode = code;
}

main().catch((err: unknown) => {
  process.stderr.write(`kb: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
