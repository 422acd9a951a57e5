/** A problem found in knowledge-base data, located for the person who has to fix it. */
export interface KbProblem {
  file: string;
  /** 1-based line in a YAML file, or the spreadsheet row number (header = row 1) of a CSV/XLSX file. */
  line: number;
  entryId?: string;
  /** Stable code for screens that translate the message: "empty", "duplicate-id", "invalid-date"… */
  code?: string;
  message: string;
}

/** "qa/cach-ly.yaml:12: [cach-ly-003] answer is empty" */
export function formatProblem(p: KbProblem): string {
  return `${p.file}:${p.line}: ${p.entryId ? `[${p.entryId}] ` : ''}${p.message}`;
}
