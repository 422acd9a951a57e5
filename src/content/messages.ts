/**
 * The content team reads every refusal in Vietnamese. The knowledge-base checks (src/kb) report stable codes with
 * English details; this turns them into Vietnamese sentences, keeping the quoted specifics (ids, terms, dates).
 */
import type { EntryIssue } from '../kb/entryRules';
import type { KbProblem } from '../kb/problems';
import { FIELD_OF_COLUMN, type RowError } from '../kb/table';

export class ContentError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const FIELD_NAMES: Record<string, string> = {
  id: 'Mã câu hỏi',
  topic: 'Chủ đề',
  question: 'Câu hỏi',
  alternatives: 'Cách hỏi khác',
  keywords: 'Từ khóa',
  answer: 'Câu trả lời',
  source: 'Nguồn',
  'source.issuer': 'Cơ quan ban hành',
  'source.document': 'Số văn bản',
  'source.date': 'Ngày văn bản',
  'source.url': 'Đường dẫn nguồn',
  reviewedAt: 'Ngày rà soát',
  validFrom: 'Hiệu lực từ ngày',
  validTo: 'Hiệu lực đến ngày',
  status: 'Trạng thái',
};

/** A table column's entry field ("valid_from" → "validFrom"); anything else is returned as it is. */
function fieldOfColumn(column: string | undefined): string {
  return (FIELD_OF_COLUMN as Record<string, string>)[column ?? ''] ?? column ?? '';
}

function quoted(message: string): string[] {
  return [...message.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
}

function numbers(message: string): string[] {
  return message.match(/\d+/g) ?? [];
}

/** "alternatives[2]" → "Cách hỏi khác thứ 3". */
export function fieldName(field: string): string {
  const m = /^(\w+)\[(\d+)\]$/.exec(field);
  if (m) return `${FIELD_NAMES[m[1]] ?? m[1]} thứ ${Number(m[2]) + 1}`;
  return FIELD_NAMES[field] ?? FIELD_NAMES[fieldOfColumn(field)] ?? field;
}

/** One problem of an entry, in Vietnamese. */
export function issueText(field: string, code: string, message: string): string {
  const name = fieldName(field);
  const q = quoted(message);
  switch (code) {
    case 'empty':
      return `${name}: chưa điền.`;
    case 'invalid-id':
      return `${name} chỉ được dùng chữ cái không dấu, chữ số, dấu chấm, gạch dưới và gạch ngang${q[0] ? ` ("${q[0]}")` : ''}.`;
    case 'not-a-list':
      return `${name} phải là một danh sách.`;
    case 'too-few-alternatives':
      return `Cần ít nhất 2 cách hỏi khác (hiện có ${numbers(message).pop() ?? '0'}).`;
    case 'no-citizen-phrasing':
      return 'Cần ít nhất một cách hỏi khác viết theo cách người dân hay gõ: không dấu hoặc viết tắt (ví dụ "f1 cach ly may ngay").';
    case 'repeated':
      return `${name} trùng với câu hỏi hoặc một cách hỏi khác.`;
    case 'invalid-source':
      return 'Nguồn phải có cơ quan ban hành, số văn bản và ngày văn bản.';
    case 'unknown-field':
      return `Trường không được hỗ trợ: "${q[0] ?? field}".`;
    case 'invalid-date':
      return `${name} không phải ngày hợp lệ (dạng NĂM-THÁNG-NGÀY, ví dụ 2021-09-20)${q[0] ? `: "${q[0]}"` : ''}.`;
    case 'invalid-url':
      return 'Đường dẫn nguồn phải bắt đầu bằng http:// hoặc https://.';
    case 'invalid-range':
      return 'Ngày hết hiệu lực đứng trước ngày bắt đầu hiệu lực.';
    case 'invalid-status':
      return 'Trạng thái không hợp lệ (chỉ nhận draft, review, published, archived).';
    case 'duplicate-id':
      return `Mã "${q[0] ?? ''}" bị trùng${numbers(message).length ? ` (đã có ở dòng ${numbers(message).pop()})` : ''}.`;
    case 'not-nfc':
      return 'Văn bản chưa ở dạng Unicode dựng sẵn (NFC), thường do gõ dấu tổ hợp; vui lòng gõ lại hoặc lưu lại bằng Unicode dựng sẵn.';
    default:
      return message;
  }
}

export function entryIssueText(issue: EntryIssue): string {
  return issueText(issue.field, issue.code, issue.message);
}

/** A row error of a CSV/XLSX import, in Vietnamese. */
export function rowErrorText(e: RowError): string {
  const q = quoted(e.reason);
  switch (e.code) {
    case 'invalid-csv':
      return 'Tệp CSV không đúng định dạng (RFC 4180): kiểm tra dấu ngoặc kép và dấu phẩy.';
    case 'invalid-xlsx':
      return 'Không đọc được tệp XLSX: tệp hỏng hoặc không phải bảng tính Excel.';
    case 'unknown-column':
      return `Cột không được hỗ trợ: "${q[0] ?? e.column ?? ''}".`;
    case 'missing-column':
      return `Thiếu cột bắt buộc "${q[0] ?? e.column ?? ''}".`;
    case 'repeated-column':
      return `Cột "${q[0] ?? e.column ?? ''}" xuất hiện hai lần.`;
    case 'column-count': {
      const n = numbers(e.reason);
      return `Dòng có ${n[0] ?? '?'} ô, trong khi dòng tiêu đề có ${n[1] ?? '?'} cột.`;
    }
    case 'unknown-format':
      return 'Chỉ nhận tệp .csv hoặc .xlsx.';
    case 'empty':
      if (e.row === 1 && !e.column) return 'Tệp không có câu hỏi nào.';
      return issueText(fieldOfColumn(e.column), e.code, e.reason);
    default:
      return issueText(fieldOfColumn(e.column), e.code, e.reason);
  }
}

/** A problem of the synonyms or teencode file, in Vietnamese. */
export function ruleProblemText(p: KbProblem): string {
  const q = quoted(p.message);
  const n = numbers(p.message);
  if (p.message.startsWith('YAML syntax:')) return `Lỗi cú pháp YAML: ${p.message.slice('YAML syntax:'.length).trim()}`;
  if (p.message.startsWith('text is not in Unicode NFC')) return issueText('', 'not-nfc', p.message);
  switch (p.code) {
    case 'empty':
      if (/^forms?/.test(p.message) && q[0] !== undefined) return `Cách viết "${q[0]}" không có chữ cái nào.`;
      if (p.message.startsWith('means')) return 'Thiếu nghĩa (means) của quy tắc.';
      if (p.message.startsWith('name')) return 'Thiếu tên nhóm (name).';
      return `Mục bị để trống (${p.message.split(/[ :]/)[0]}).`;
    case 'not-a-list':
      return `"${p.message.split(' ')[0]}" phải là một danh sách.`;
    case 'invalid-file':
      return `Tệp phải có danh sách "${q[0] ?? ''}".`;
    case 'invalid-filler':
      return `Từ đệm "${q[0] ?? ''}" phải là một âm tiết viết thường.`;
    case 'invalid-rule':
      return 'Mỗi quy tắc phải có forms (các cách viết) và means (nghĩa).';
    case 'not-lower-case':
      return `Cách viết "${q[0] ?? ''}" phải viết thường.`;
    case 'no-op':
      return `Cách viết "${q[0] ?? ''}" giống hệt nghĩa của nó.`;
    case 'duplicate-form':
      return `Cách viết "${q[0] ?? ''}" đã được định nghĩa ở dòng ${n[n.length - 1] ?? '?'}.`;
    case 'invalid-group':
      return 'Mỗi nhóm phải có name (tên) và terms (các từ).';
    case 'invalid-id':
      return `Tên nhóm "${q[0] ?? ''}" chỉ được dùng chữ thường không dấu, chữ số và gạch ngang.`;
    case 'duplicate-name':
      return `Nhóm "${q[0] ?? ''}" đã được định nghĩa ở dòng ${n[n.length - 1] ?? '?'}.`;
    case 'too-few-terms':
      return 'Mỗi nhóm cần ít nhất 2 từ.';
    case 'duplicate-term':
      return `Từ "${q[0] ?? ''}" đã thuộc nhóm "${q[1] ?? ''}" (dòng ${n[n.length - 1] ?? '?'}).`;
    case 'unknown-field':
      return `Khóa không được hỗ trợ: "${q[0] ?? ''}".`;
    default:
      return p.message;
  }
}
