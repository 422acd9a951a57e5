/** The console's Vietnamese wording of platform values (channels, states, delivery statuses, roles). */

export const CHANNEL_NAMES: Record<string, string> = {
  app: 'Ứng dụng Bình Phước Today',
  messenger: 'Messenger',
  zalo: 'Zalo',
  email: 'Email',
  webchat: 'Web chat',
  voichat: 'Tổng đài thoại',
  phone: 'Điện thoại',
};

export const STATE_NAMES: Record<string, string> = {
  bot: 'Trợ lý tự động',
  queued: 'Đang chờ',
  human: 'Tổng đài viên đang xử lý',
  closed: 'Đã kết thúc',
};

export const STATUS_NAMES: Record<string, string> = {
  pending: 'Đang gửi',
  sent: 'Đã gửi',
  delivered: 'Đã nhận',
  read: 'Đã xem',
  failed: 'Gửi lỗi',
  received: 'Đã nhận',
};

export const ROLE_NAMES: Record<string, string> = {
  operator: 'Tổng đài viên',
  supervisor: 'Giám sát',
  editor: 'Biên tập nội dung',
  admin: 'Quản trị',
};

export const PRESENCE_NAMES: Record<string, string> = {
  online: 'Trực tuyến',
  away: 'Tạm vắng',
  offline: 'Ngoại tuyến',
};

export const URGENCY_NAMES: Record<string, string> = {
  emergency: 'Cấp cứu',
  urgent: 'Khẩn',
  none: '',
};

export const AUTHOR_NAMES: Record<string, string> = {
  citizen: 'Công dân',
  bot: 'Trợ lý tự động',
  operator: 'Tổng đài viên',
  system: 'Hệ thống',
};

/** Reasons offered when closing a conversation (free text is allowed too). */
export const CLOSE_REASONS = ['Đã giải đáp', 'Đã chuyển cơ quan chức năng', 'Công dân không phản hồi', 'Tin nhắn rác hoặc không liên quan', 'Khác'];

export const channelName = (c: string): string => CHANNEL_NAMES[c] ?? c;
