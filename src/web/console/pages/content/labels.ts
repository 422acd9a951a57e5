/** The content workspace's Vietnamese wording of statuses, actions, fields, decisions and channels. */

export const STATUS_LABELS: Record<string, string> = {
  draft: 'Nháp',
  review: 'Chờ duyệt',
  published: 'Đã xuất bản',
  archived: 'Đã lưu trữ',
};

export const ACTION_LABELS: Record<string, string> = {
  seed: 'Nạp từ bộ câu hỏi gốc',
  create: 'Tạo mới',
  edit: 'Sửa nội dung',
  import: 'Nhập từ tệp',
  alternative: 'Thêm cách hỏi từ câu hỏi chưa trả lời',
  rollback: 'Khôi phục nội dung',
  submit: 'Gửi duyệt',
  return: 'Trả lại để sửa',
  publish: 'Xuất bản',
  archive: 'Lưu trữ',
  discard: 'Hủy bản sửa',
};

export const FIELD_LABELS: Record<string, string> = {
  topic: 'Chủ đề',
  question: 'Câu hỏi',
  alternatives: 'Cách hỏi khác',
  keywords: 'Từ khóa',
  answer: 'Câu trả lời',
  source: 'Nguồn',
  reviewedAt: 'Ngày rà soát',
  validFrom: 'Hiệu lực từ ngày',
  validTo: 'Hiệu lực đến ngày',
};

export const DECISION_LABELS: Record<string, string> = {
  answer: 'Trả lời ngay',
  suggest: 'Gợi ý câu gần đúng',
  fallback: 'Không tìm thấy câu phù hợp',
};

export const KIND_LABELS: Record<string, string> = {
  fallback: 'không tìm thấy câu trả lời',
  suggest: 'chỉ gợi ý được',
  left: 'để lại câu hỏi',
  'not-helpful': 'câu trả lời không hữu ích',
};

export const PREVIEW_CHANNELS: Array<{ id: 'messenger' | 'zalo' | 'email' | 'widget' | 'voice'; label: string }> = [
  { id: 'messenger', label: 'Messenger' },
  { id: 'zalo', label: 'Zalo' },
  { id: 'email', label: 'Email' },
  { id: 'widget', label: 'Khung chat trên web' },
  { id: 'voice', label: 'Tổng đài thoại' },
];

const DATE = new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });

/** "2021-09-20" → "20/09/2021". */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : DATE.format(d);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1048576).toFixed(1).replace('.', ',')} MB`;
}

/** sessionStorage key: the unanswered-questions page hands a group to the editor of a new entry. */
export const PREFILL_KEY = 'content.prefill';
