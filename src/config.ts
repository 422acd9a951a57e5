/**
 * Every setting of the platform, validated once. Each entry names its environment variable, its default and what
 * it does; README.md and .env.example list the same (scripts/settings-doc.ts prints them from here).
 * This is the only module that reads process.env.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseDotEnv } from 'dotenv';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min = 0) => z.coerce.number().int().min(min);
const url = z.string().url();
const optionalUrl = z.union([z.literal(''), url]).transform((v) => v || undefined);
const optional = z.string().transform((v) => v || undefined);
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

interface Setting {
  schema: z.ZodType;
  default: string;
  doc: string;
  secret?: boolean;
}

export const SETTINGS = {
  // --- platform
  PORT: { schema: int(0).max(65535), default: '3000', doc: 'HTTP port (0 picks a free one)' },
  HOST: { schema: z.string().min(1), default: '0.0.0.0', doc: 'interface to listen on' },
  PUBLIC_URL: { schema: optionalUrl, default: '', doc: 'the URL citizens and agencies reach (links in emails); default http://localhost:PORT' },
  DATA_DIR: { schema: z.string().min(1), default: './data', doc: 'folder for the SQLite file, uploads and reports' },
  DATABASE_URL: { schema: z.union([z.literal(''), z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://…')]).transform((v) => v || undefined), default: '', doc: 'PostgreSQL URL; empty = embedded SQLite under DATA_DIR', secret: true },
  KB_DIR: { schema: z.string().min(1), default: './knowledge-base', doc: 'the knowledge-base data folder (seed Q&A, templates, symptoms, agencies, levels)' },
  LOG_LEVEL: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), default: 'info', doc: 'log level' },
  INSTANCE_ID: { schema: z.string(), default: '', doc: 'name of this instance in logs and claims; default host-pid' },
  TIMEZONE: { schema: z.string().min(1), default: 'Asia/Ho_Chi_Minh', doc: 'time zone of days, shifts and reports' },
  SESSION_SECRET: { schema: z.string(), default: '', doc: 'secret for signed links and CSRF tokens; several instances must share it (default: generated and kept in DATA_DIR)', secret: true },

  // --- delivery
  DELIVERY_CONCURRENCY: { schema: int(1), default: '16', doc: 'outbox rows sent at once per instance' },
  DELIVERY_MAX_ATTEMPTS: { schema: int(1), default: '10', doc: 'tries before a retryable failure becomes permanent' },
  DELIVERY_BASE_DELAY_MS: { schema: int(1), default: '1000', doc: 'first retry delay; doubles each try, with jitter' },
  DELIVERY_MAX_DELAY_MS: { schema: int(1), default: '300000', doc: 'longest retry delay' },
  DELIVERY_POLL_MS: { schema: int(10), default: '1000', doc: 'how often the worker looks for due rows written by other instances' },
  SEND_TIMEOUT_MS: { schema: int(100), default: '10000', doc: 'timeout of one call to a channel API' },

  // --- bot
  ANSWER_THRESHOLD: { schema: z.coerce.number().min(0).max(1), default: '0.6', doc: 'confidence at or above which the bot answers with the best entry' },
  SUGGEST_THRESHOLD: { schema: z.coerce.number().min(0).max(1), default: '0.12', doc: 'confidence at or above which the bot offers close entries; below it, the fallback' },
  OPERATOR_HOURS_TEXT: { schema: z.string().min(1), default: 'từ 7 giờ đến 21 giờ hằng ngày', doc: 'when operators answer, told to citizens when nobody is on shift' },
  AUTO_ASSIGN: { schema: bool, default: 'false', doc: 'assign queued conversations to the least-loaded operator on shift' },

  // --- app channel ("Bình Phước Today" and integrations)
  APP_CHANNEL_TOKEN: { schema: optional, default: '', doc: 'bearer token the app sends to POST /api/v1/app/messages; empty disables the channel', secret: true },
  APP_CALLBACK_URL: { schema: optionalUrl, default: '', doc: 'where replies to the app are POSTed' },
  APP_CALLBACK_SECRET: { schema: optional, default: '', doc: 'HMAC-SHA256 key of the X-Signature header on callbacks', secret: true },

  // --- Messenger
  MESSENGER_VERIFY_TOKEN: { schema: optional, default: '', doc: 'webhook verification token', secret: true },
  MESSENGER_APP_SECRET: { schema: optional, default: '', doc: 'app secret (X-Hub-Signature-256 key); empty disables the channel', secret: true },
  MESSENGER_PAGE_ACCESS_TOKEN: { schema: optional, default: '', doc: 'page access token for the Send API', secret: true },
  GRAPH_API_URL: { schema: url, default: 'https://graph.facebook.com/v23.0', doc: 'Graph API base URL' },

  // --- Zalo OA
  ZALO_APP_ID: { schema: optional, default: '', doc: 'Zalo app id' },
  ZALO_APP_SECRET: { schema: optional, default: '', doc: 'App Secret Key (token refresh)', secret: true },
  ZALO_OA_SECRET_KEY: { schema: optional, default: '', doc: 'OA Secret Key (X-ZEvent-Signature); empty disables the channel', secret: true },
  ZALO_ACCESS_TOKEN: { schema: optional, default: '', doc: 'initial OA access token (later ones are kept in the database)', secret: true },
  ZALO_REFRESH_TOKEN: { schema: optional, default: '', doc: 'initial refresh token (single-use; later ones are kept in the database)', secret: true },
  ZALO_API_URL: { schema: url, default: 'https://openapi.zalo.me', doc: 'Zalo OpenAPI base URL' },
  ZALO_OAUTH_URL: { schema: url, default: 'https://oauth.zaloapp.com', doc: 'Zalo OAuth base URL' },

  // --- email
  IMAP_HOST: { schema: optional, default: '', doc: 'IMAP server of 1022@binhphuoc.gov.vn; empty disables the email channel' },
  IMAP_PORT: { schema: int(1).max(65535), default: '993', doc: 'IMAP port' },
  IMAP_SECURE: { schema: bool, default: 'true', doc: 'IMAP over TLS' },
  IMAP_USER: { schema: optional, default: '', doc: 'IMAP user' },
  IMAP_PASSWORD: { schema: optional, default: '', doc: 'IMAP password', secret: true },
  IMAP_MAILBOX: { schema: z.string().min(1), default: 'INBOX', doc: 'mailbox to read' },
  IMAP_POLL_SECONDS: { schema: int(5), default: '60', doc: 'periodic check besides IDLE' },
  SMTP_URL: { schema: optional, default: '', doc: 'SMTP URL for replies and notifications (smtp://user:pass@host:port)', secret: true },
  MAIL_FROM: { schema: z.string().min(3), default: 'Tổng đài 1022 Bình Phước <1022@binhphuoc.gov.vn>', doc: 'From of every mail we send' },
  EMAIL_REPLIES_PER_SENDER_PER_HOUR: { schema: int(1), default: '5', doc: 'rate limit of bot replies to one address' },

  // --- Voichat
  VOICHAT_SECRET: { schema: optional, default: '', doc: 'bearer token of the voice gateway; empty disables the channel', secret: true },
  OPERATOR_PHONE_LINE: { schema: z.string().min(1), default: '02711022', doc: 'where calls are transferred to an operator' },

  // --- web widget and console
  WIDGET_MAX_TEXT: { schema: int(1), default: '2000', doc: 'longest widget message' },
  WIDGET_MESSAGES_PER_MINUTE: { schema: int(1), default: '20', doc: 'widget rate limit per session (and 5× per IP)' },
  LOGIN_MAX_FAILURES: { schema: int(1), default: '5', doc: 'failed sign-ins before the account is locked' },
  LOGIN_LOCK_MINUTES: { schema: int(1), default: '15', doc: 'lockout length' },
  SESSION_TTL_HOURS: { schema: int(1), default: '12', doc: 'console session lifetime' },
  QUEUE_SLA_MINUTES: { schema: int(1), default: '5', doc: 'a queued conversation should be taken by an operator within this time (urgent ones: CASE_ACK_SLA_MINUTES)' },

  // --- cases and agencies
  CASE_ACK_SLA_MINUTES: { schema: int(1), default: '15', doc: 'an urgent case must be acknowledged within this time, or it escalates' },
  PROVINCE_POINT_AGENCY: { schema: z.string().min(1), default: 'so-y-te', doc: 'agency id (agencies.yaml) of the province coordination point' },
  SUPERVISOR_EMAILS: { schema: list, default: '', doc: 'comma-separated; escalations and level changes' },
  FORWARD_LINK_TTL_HOURS: { schema: int(1), default: '72', doc: 'validity of an agency answer link' },
  CASE_NOTIFY_AFTER_MINUTES: { schema: int(0), default: '3', doc: 'an urgent case is sent to its agency at the latest this long after creation, even with details missing' },
  CASE_TICK_SECONDS: { schema: int(1), default: '15', doc: 'how often due case notifications, escalations and forward reminders are checked' },

  // --- content team
  KB_REVIEW_DAYS: { schema: int(1), default: '180', doc: 'entries not reviewed for this many days are flagged' },
  PUBLISH_NEEDS_SECOND_PERSON: { schema: bool, default: 'true', doc: 'publishing needs an editor/supervisor other than the author' },
  UPLOAD_MAX_MB: { schema: int(1), default: '20', doc: 'largest document upload' },

  // --- levels and reports
  LEADER_EMAILS: { schema: list, default: '', doc: 'comma-separated; told of level changes' },
  REPORT_RECIPIENTS: { schema: list, default: '', doc: 'comma-separated; receive the daily report' },
  REPORT_TIME: { schema: clock, default: '10:30', doc: 'when the daily report is sent (local time)' },
  REPORT_FONT: { schema: z.string().min(1), default: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', doc: 'Unicode TrueType font embedded in PDF reports (Debian fonts-dejavu-core); its -Bold.ttf sibling is used for headings' },
  LEVEL_CHECK_SECONDS: { schema: int(1), default: '60', doc: 'how often the intake level is recomputed (also shortly after new requests)' },
  METRICS_TOKEN: { schema: optional, default: '', doc: 'bearer token required on /metrics; empty leaves /metrics open (keep it on the internal network)', secret: true },
} satisfies Record<string, Setting>;

type Settings = typeof SETTINGS;
export type SettingName = keyof Settings;
export type Config = { [K in SettingName]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {}

/** Reads an optional .env file (KEY=value lines); the environment wins over it. */
export function readDotEnv(file = '.env'): Record<string, string> {
  return fs.existsSync(file) ? parseDotEnv(fs.readFileSync(file)) : {};
}

/** Validates every setting; a wrong one stops start-up with a message naming it. */
export function loadConfig(env: Record<string, string | undefined> = { ...readDotEnv(), ...process.env }): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[string, Setting]>) {
    const raw = env[name] ?? setting.default;
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) out[name] = parsed.data;
    else {
      const shown = setting.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (problems.length) throw new ConfigError(`Invalid settings:\n  ${problems.join('\n  ')}`);
  const config = out as Config;
  config.DATA_DIR = path.resolve(config.DATA_DIR);
  config.KB_DIR = path.resolve(config.KB_DIR);
  return config;
}

/** The values that must never reach logs. */
export function secretValues(config: Config): string[] {
  return (Object.entries(SETTINGS) as Array<[SettingName, Setting]>)
    .filter(([, s]) => s.secret)
    .map(([name]) => config[name])
    .filter((v): v is string => typeof v === 'string' && v.length >= 4);
}
