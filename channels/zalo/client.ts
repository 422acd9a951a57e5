/**
 * A small typed client of the Zalo OA OpenAPI (customer-service messages) and of the OAuth v4 token endpoint, over
 * fetch. Zalo answers HTTP 200 with an `error` field: 0 is success; the codes are mapped to retry or failed-with-reason.
 */
import { postWithTimeout, resultFromStatus, transportFailure } from '../http';
import type { SendResult } from '../types';
import type { CsMessageBody } from './format';

export type CsSendOutcome = { ok: true; messageId?: string } | { ok: false; code?: number; result: SendResult };

/** -216 invalid token, -220 expired or removed token (-124 is seen in some code as "expired" too). */
export const TOKEN_ERRORS = new Set([-216, -220, -124]);

export class ZaloApi {
  constructor(private settings: { apiUrl: string; timeoutMs: number }) {}

  async sendCs(accessToken: string, body: CsMessageBody): Promise<CsSendOutcome> {
    const url = `${this.settings.apiUrl.replace(/\/+$/, '')}/v3.0/oa/message/cs`;
    const response = await postWithTimeout(url, { headers: { access_token: accessToken, 'content-type': 'application/json' }, body: JSON.stringify(body) }, this.settings.timeoutMs);
    if (!(response instanceof Response)) return { ok: false, result: transportFailure('Zalo OpenAPI', response) };
    const json = await readJson(response);
    if (!response.ok) return { ok: false, result: httpFailure('Zalo OpenAPI', response) };
    if (!json || typeof json.error !== 'number') return { ok: false, result: { ok: false, retryable: true, reason: 'Zalo trả lời không đúng định dạng (thiếu trường error)' } };
    if (json.error === 0) {
      const data = (json.data ?? {}) as { message_id?: unknown };
      return { ok: true, ...(typeof data.message_id === 'string' && { messageId: data.message_id }) };
    }
    return { ok: false, code: json.error, result: zaloFailure(json.error, typeof json.message === 'string' ? json.message : '') };
  }
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds; Zalo sends it as a string. */
  expiresInSeconds?: number;
}

export type RefreshOutcome = { ok: true; tokens: TokenPair } | { ok: false; retryable: boolean; reason: string };

export class ZaloOAuth {
  constructor(private settings: { oauthUrl: string; appId?: string; appSecret?: string; timeoutMs: number }) {}

  /** Exchanges a (single-use) refresh token for a new access token and a new refresh token. */
  async refresh(refreshToken: string): Promise<RefreshOutcome> {
    const { appId, appSecret } = this.settings;
    if (!appId || !appSecret) return { ok: false, retryable: false, reason: 'Chưa cấu hình ZALO_APP_ID và ZALO_APP_SECRET nên không làm mới được mã truy cập Zalo' };
    const url = `${this.settings.oauthUrl.replace(/\/+$/, '')}/v4/oa/access_token`;
    const body = new URLSearchParams({ refresh_token: refreshToken, app_id: appId, grant_type: 'refresh_token' }).toString();
    const response = await postWithTimeout(url, { headers: { secret_key: appSecret, 'content-type': 'application/x-www-form-urlencoded' }, body }, this.settings.timeoutMs);
    if (!(response instanceof Response)) {
      const failure = transportFailure('Zalo OAuth', response);
      return { ok: false, retryable: true, reason: failure.ok ? '' : failure.reason };
    }
    const json = await readJson(response);
    if (!response.ok) {
      const failure = httpFailure('Zalo OAuth', response);
      return { ok: false, retryable: !failure.ok && failure.retryable, reason: failure.ok ? '' : failure.reason };
    }
    if (json && typeof json.access_token === 'string' && json.access_token && typeof json.refresh_token === 'string' && json.refresh_token) {
      const seconds = Number(json.expires_in);
      return { ok: true, tokens: { accessToken: json.access_token, refreshToken: json.refresh_token, ...(Number.isFinite(seconds) && seconds > 0 && { expiresInSeconds: seconds }) } };
    }
    const code = json?.error !== undefined ? ` (mã ${String(json.error)})` : '';
    const detail = [json?.error_name, json?.error_description].filter((v) => typeof v === 'string' && v).join(': ');
    return { ok: false, retryable: false, reason: `Zalo không làm mới được mã truy cập OA${code}${detail ? `: ${detail}` : ''}. Cần cấp quyền lại cho OA` };
  }
}

/** Reasons operators read for each documented error code. */
const PERMANENT: Record<number, string> = {
  [-201]: 'tham số không hợp lệ',
  [-204]: 'OA đã bị vô hiệu hóa',
  [-205]: 'OA không tồn tại',
  [-209]: 'API không được hỗ trợ',
  [-210]: 'tham số vượt quá giới hạn cho phép (ví dụ tin quá dài)',
  [-212]: 'OA chưa đăng ký API này',
  [-213]: 'người dân chưa quan tâm (follow) OA',
  [-217]: 'người dân đã chặn lời mời từ OA',
  [-218]: 'người dân đã nhận tối đa số tin OA được gửi trong thời gian này, vui lòng gửi lại sau',
  [-219]: 'ứng dụng đã bị gỡ hoặc vô hiệu hóa',
  [-223]: 'OA chưa cấp quyền này cho ứng dụng',
  [-224]: 'OA cần mua gói dịch vụ trả phí để gửi tin tư vấn',
  [-227]: 'tài khoản Zalo của người dân bị khóa hoặc không hoạt động quá 45 ngày',
  [-230]: 'người dân không tương tác với OA trong 7 ngày qua, Zalo không cho gửi tin tư vấn; vui lòng liên hệ qua kênh khác',
  [-232]: 'người dân chưa tương tác với OA hoặc lượt tương tác đã hết hạn',
  [-233]: 'loại tin nhắn không hợp lệ hoặc không được hỗ trợ',
  [-244]: 'người dân đã chặn loại tin nhắn này từ OA',
};
/** -32: the app hit its call limit; -211: out of quota. Both pass later. */
const RETRYABLE: Record<number, string> = {
  [-32]: 'ứng dụng vượt giới hạn số lần gọi API',
  [-211]: 'hết hạn mức gửi tin',
};

export function zaloFailure(code: number, message: string): SendResult {
  const detail = `mã ${code}${message ? `: ${message}` : ''}`;
  if (RETRYABLE[code]) return { ok: false, retryable: true, reason: `Zalo tạm thời từ chối: ${RETRYABLE[code]} (${detail})` };
  if (PERMANENT[code]) return { ok: false, retryable: false, reason: `Zalo từ chối: ${PERMANENT[code]} (${detail})` };
  if (TOKEN_ERRORS.has(code)) return { ok: false, retryable: false, reason: `Zalo từ chối mã truy cập OA ngay cả sau khi làm mới; cần cấp quyền lại (${detail})` };
  return { ok: false, retryable: false, reason: `Zalo từ chối tin nhắn (${detail})` };
}

function httpFailure(what: string, response: Response): SendResult {
  return resultFromStatus(response, `${what} trả lời HTTP ${response.status}`);
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  const text = await response.text().catch(() => '');
  try {
    const value = text ? JSON.parse(text) : undefined;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
