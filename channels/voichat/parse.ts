/** The voice gateway's turn request: validated with zod, its caller number in national form. */
import { z } from 'zod';

export const turnRequestSchema = z
  .object({
    callId: z.string().trim().min(1).max(200),
    from: z.string().trim().min(1).max(64),
    event: z.enum(['start', 'speech', 'dtmf', 'no_input', 'hangup']),
    transcript: z.string().max(2000).optional(),
    confidence: z.number().min(0).max(1).optional(),
    digits: z.string().regex(/^[0-9*#]{1,32}$/, 'digits: only 0-9, * and #').optional(),
    /** Optional turn number or id from the gateway: a repeated seq is a retry, answered again but processed once. */
    seq: z.union([z.number().int().min(0), z.string().trim().min(1).max(64)]).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.event === 'speech' && r.transcript === undefined) ctx.addIssue({ code: 'custom', path: ['transcript'], message: 'transcript is required when event is "speech"' });
    if (r.event === 'dtmf' && r.digits === undefined) ctx.addIssue({ code: 'custom', path: ['digits'], message: 'digits are required when event is "dtmf"' });
  });

export type TurnRequest = z.infer<typeof turnRequestSchema>;

export type ParsedTurn = { ok: true; request: TurnRequest } | { ok: false; reason: string };

export function parseTurnRequest(body: Buffer | undefined): ParsedTurn {
  if (!body || !body.length) return { ok: false, reason: 'empty body: expected JSON' };
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  const parsed = turnRequestSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') };
  return { ok: true, request: parsed.data };
}

/** "+84 912 345 678" → "0912345678"; a withheld number ("anonymous", "unknown") → undefined. */
export function callerNumber(from: string): string | undefined {
  const digits = from.replace(/^tel:/i, '').replace(/[^\d+]/g, '');
  if (!/\d{3,}/.test(digits)) return undefined;
  if (digits.startsWith('+84')) return `0${digits.slice(3)}`;
  if (digits.startsWith('84') && digits.length === 11) return `0${digits.slice(2)}`;
  return digits.replace(/\+/g, '');
}
