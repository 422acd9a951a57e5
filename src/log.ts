/**
 * Structured logs (pino) that never print tokens, passwords, phone numbers or email addresses in clear:
 * every string in a log line passes through redact(), and known secret keys are replaced whole.
 */
import pino from 'pino';
import { maskContactData } from './domain/personalData';

const BEARER = /\b(Bearer|access_token[=:]?|token[=:])\s*[A-Za-z0-9._~+/=-]{6,}/gi;
const SECRET_KEYS = /pass(word)?|secret|token|authorization|cookie|signature|api[-_]?key/i;

export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[secret]');
  return maskContactData(out.replace(BEARER, '$1 [secret]'), { email: '[email]', phone: '[phone]' });
}

export function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: redactText(value.message, secrets), stack: value.stack && redactText(value.stack, secrets) };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) && v ? '[secret]' : redactValue(v, secrets, depth + 1);
  }
  return out;
}

export type Log = pino.Logger;

export function createLogger(options: { level: string; secrets?: readonly string[]; destination?: pino.DestinationStream }): Log {
  const secrets = options.secrets ?? [];
  return pino(
    {
      level: options.level,
      base: undefined,
      formatters: { log: (obj) => redactValue(obj, secrets) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactText(a, secrets) : a));
          return method.apply(this, redacted as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
