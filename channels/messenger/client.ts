/**
 * A small typed client of the Messenger Send API over fetch, and the mapping of Graph errors to retry or
 * failed-with-reason. Graph errors arrive as HTTP 4xx/5xx with { error: { message, type, code, error_subcode, fbtrace_id } }.
 */
import { parseJson } from '../../src/store/ids';
import { postWithTimeout, retryAfterMs, transportFailure } from '../http';
import type { SendResult } from '../types';
import type { SendApiBody } from './format';

export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  fbtrace_id?: string;
}

export type GraphSendOutcome = { ok: true; messageId?: string; recipientId?: string } | { ok: false; result: SendResult };

export interface GraphClientSettings {
  /** Base URL with the version, e.g. https://graph.facebook.com/v23.0 */
  graphApiUrl: string;
  pageAccessToken: string;
  timeoutMs: number;
}

export type SenderAction = 'typing_on' | 'typing_off' | 'mark_seen';

export class GraphClient {
  constructor(private settings: GraphClientSettings) {}

  private endpoint(): string {
    return `${this.settings.graphApiUrl.replace(/\/+$/, '')}/me/messages?access_token=${encodeURIComponent(this.settings.pageAccessToken)}`;
  }

  async sendMessage(body: SendApiBody): Promise<GraphSendOutcome> {
    return this.post(body);
  }

  /** A sender action is its own request: never together with a message. */
  async senderAction(psid: string, action: SenderAction): Promise<GraphSendOutcome> {
    return this.post({ recipient: { id: psid }, sender_action: action });
  }

  private async post(body: unknown): Promise<GraphSendOutcome> {
    const response = await postWithTimeout(
      this.endpoint(),
      { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      this.settings.timeoutMs,
    );
    if (!(response instanceof Response)) return { ok: false, result: transportFailure('Messenger', response) };
    const text = await response.text().catch(() => '');
    const json = parseJson<{ message_id?: string; recipient_id?: string; error?: GraphError } | undefined>(text, undefined);
    if (response.ok && !json?.error) return { ok: true, messageId: json?.message_id, recipientId: json?.recipient_id };
    return { ok: false, result: graphFailure(response.status, json?.error, response.headers.get('retry-after')) };
  }
}

/** Rate limits and temporary errors (Graph codes) that a later try may pass. */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 613]);

/** A Graph error → retry or a permanent failure whose reason operators read (Vietnamese). */
export function graphFailure(status: number, error: GraphError | undefined, retryAfter: string | null = null): SendResult {
  const code = error?.code;
  const subcode = error?.error_subcode;
  const detail = `HTTP ${status}${code !== undefined ? `, mã ${code}${subcode !== undefined ? `/${subcode}` : ''}` : ''}${error?.message ? `: ${error.message}` : ''}`;
  const permanent = (reason: string): SendResult => ({ ok: false, retryable: false, reason: `${reason} (${detail})` });
  if (code === 10 && (subcode === 2018278 || subcode === 2018065 || subcode === 2534022)) {
    return permanent('Messenger từ chối vì tin nhắn nằm ngoài khung thời gian cho phép (24 giờ; tổng đài viên: 7 ngày)');
  }
  if (code === 10 && subcode === 2018300) return permanent('Một ứng dụng khác đang giữ cuộc trò chuyện này trên Messenger (chuyển giao hội thoại)');
  if (code === 551 || subcode === 2018108 || subcode === 1545041) {
    return permanent('Người dân hiện không nhận được tin nhắn trên Messenger (đã chặn Trang hoặc tài khoản không khả dụng)');
  }
  if (code === 190) return permanent('Mã truy cập Trang (MESSENGER_PAGE_ACCESS_TOKEN) không hợp lệ hoặc đã hết hạn, cần cấp lại');
  if (code === 100 && subcode === 2018001) return permanent('Không tìm thấy người nhận trên Messenger');
  if (status >= 500 || status === 429 || (code !== undefined && RETRYABLE_CODES.has(code)) || error?.is_transient) {
    return { ok: false, retryable: true, reason: `Messenger tạm thời lỗi hoặc giới hạn tần suất (${detail})`, retryAfterMs: retryAfterMs(retryAfter) };
  }
  return permanent('Messenger từ chối tin nhắn');
}
