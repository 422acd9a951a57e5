/**
 * Voichat, the virtual switchboard: a voice gateway POSTs one call turn per request to /webhooks/voichat and speaks
 * the actions we answer (contract: docs/voichat-openapi.yaml). The bot's replies of the turn are spoken in the HTTP
 * response; the delivery worker's later send() for those outbox rows is a no-op. Anything sent outside a turn
 * (an operator's reply) cannot reach a phone call and fails with a reason the operator sees.
 *
 * Repeated requests: with the gateway's `seq`, the external id is `${callId}:${seq}` and a repeated seq gets the same
 * answer again without a second turn. Without it, an identical request arriving while the previous one runs or
 * within 2 s after its answer is taken for a retry (a person cannot speak again that fast: the answer is still being
 * played); anything else is a new turn, numbered by a per-call counter of this process (plus a boot id, so a restart
 * never reuses an id).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { sameSecret } from '../http';
import type { ChannelConnector, ChannelContext, InboundMessage, OutboundMessage, QuickReply, SendResult } from '../types';
import { CallRegistry, type CallState, type VoiceAction, type VoiceResponse } from './calls';
import { chunkSpeech, toSpeech } from './format';
import { callerNumber, parseTurnRequest, type TurnRequest } from './parse';
import { asksForOperator, asksToContinue, yesOrNo } from './phrases';
import { fillText, type VoiceTexts } from './texts';

export { voiceTextsFrom, type VoiceTexts } from './texts';
export type { VoiceAction, VoiceResponse } from './calls';

export interface VoichatSettings {
  /** Bearer token the gateway sends. */
  secret: string;
  /** Where calls go to a person (OPERATOR_PHONE_LINE). */
  operatorLine: string;
  /** The voice.* texts; a function so edited templates apply without a restart. */
  texts: () => VoiceTexts;
  gatherTimeoutSeconds?: number;
  /** Longest text spoken before "bấm phím 1 để nghe tiếp". */
  chunkChars?: number;
  /** Transcripts below this confidence are confirmed first. */
  minConfidence?: number;
  now?: () => number;
}

export const CALL_ENDED_REASON = 'cuộc gọi đã kết thúc, không gửi được tin nhắn thoại';
const RETRY_WINDOW_MS = 2000;

export function createVoichatConnector(settings: VoichatSettings): ChannelConnector {
  const now = settings.now ?? (() => Date.now());
  const gatherTimeout = settings.gatherTimeoutSeconds ?? 8;
  const chunkChars = settings.chunkChars ?? 350;
  const minConfidence = settings.minConfidence ?? 0.5;
  const bootId = randomBytes(4).toString('hex');
  const calls = new CallRegistry(now);

  const say = (text: string): VoiceAction => ({ type: 'say', text: toSpeech(text) });
  const gather = (): VoiceAction => ({ type: 'gather', input: ['speech', 'dtmf'], timeoutSeconds: gatherTimeout });
  const transfer = (): VoiceAction => ({ type: 'transfer', to: settings.operatorLine });
  const sayAndGather = (...texts: string[]): VoiceResponse => ({ actions: [...texts.map(say), gather()] });
  const sayAndTransfer = (...texts: string[]): VoiceResponse => ({ actions: [...texts.map(say), transfer()] });

  function optionsText(options: QuickReply[]): string {
    const t = settings.texts();
    const list = options.map((o, i) => fillText(t.option, { number: i + 1, title: o.title })).join(', ');
    return fillText(t.options, { options: list });
  }

  /**
   * After a chunk of an answer: how to read on, or the options; then listen. The last chunk of a long answer
   * (reached with key 1) also says how to go on, unless it ends with the bot's own question.
   */
  function afterChunk(call: CallState, chunk: string, continued: boolean): VoiceResponse {
    const t = settings.texts();
    const actions: VoiceAction[] = [{ type: 'say', text: chunk }];
    if (call.pending.length) actions.push(say(t.continue));
    else if (call.options.length) actions.push(say(optionsText(call.options)));
    else if (continued && !/\?\s*$/.test(chunk)) actions.push(say(t.askMore));
    actions.push(gather());
    return { actions };
  }

  function inbound(call: CallState, request: TurnRequest, fields: Partial<InboundMessage>): InboundMessage {
    const phone = callerNumber(request.from);
    const turnId = request.seq !== undefined ? String(request.seq) : `${bootId}.${++call.counter}`;
    return {
      channel: 'voichat',
      externalId: `${request.callId}:${turnId}`,
      externalUserId: phone ?? `anonymous:${request.callId}`,
      externalThreadId: request.callId,
      text: '',
      ...(phone && { profile: { phone } }),
      ...fields,
      meta: { callId: request.callId, event: request.event, ...(request.confidence !== undefined && { confidence: request.confidence }), ...(request.digits && { digits: request.digits }), ...fields.meta },
    };
  }

  /** Stores a turn and runs the bot; every reply of the turn is marked spoken (the HTTP response carries it). */
  async function store(ctx: ChannelContext, message: InboundMessage): Promise<{ replies: OutboundMessage[]; duplicate: boolean }> {
    if (!ctx.receiveAndReply) throw new Error('the voichat channel needs receiveAndReply');
    const result = await ctx.receiveAndReply(message);
    return { replies: result.replies, duplicate: result.duplicate };
  }

  /** The caller's words (or choice) to the bot, its answer spoken. */
  async function ask(ctx: ChannelContext, call: CallState, request: TurnRequest, fields: Partial<InboundMessage>): Promise<VoiceResponse> {
    const t = settings.texts();
    call.pending = [];
    call.options = [];
    const { replies, duplicate } = await store(ctx, inbound(call, request, fields));
    if (duplicate) return sayAndGather(t.reask);
    // No answer: an operator holds the conversation or the bot handed it over; a person takes the call.
    if (!replies.length) return sayAndTransfer(t.transfer);
    const chunks = chunkSpeech(replies.map((r) => toSpeech(r.text)).filter(Boolean).join(' '), chunkChars);
    if (replies.some((r) => r.meta?.transfer === true)) {
      // A handoff or an urgent verdict: the advice is read in full (two chunks at most), then the transfer.
      return { actions: [...chunks.slice(0, 2).map((text): VoiceAction => ({ type: 'say', text })), transfer()] };
    }
    if (!chunks.length) return sayAndGather(t.askMore);
    call.options = [...replies].reverse().find((r) => r.quickReplies?.length)?.quickReplies ?? [];
    call.pending = chunks.slice(1);
    return afterChunk(call, chunks[0], false);
  }

  /** The caller asked for a person (words or key 0): stored, so operators see it, then transferred. */
  async function toOperator(ctx: ChannelContext, call: CallState, request: TurnRequest, text: string): Promise<VoiceResponse> {
    const { replies } = await store(ctx, inbound(call, request, { text, meta: { transfer: true } }));
    const handoff = replies.filter((r) => r.meta?.transfer === true);
    const spokenText = handoff.length ? handoff.map((r) => toSpeech(r.text)).join(' ') : toSpeech(settings.texts().transfer);
    return { actions: [...chunkSpeech(spokenText, chunkChars).slice(0, 2).map((text): VoiceAction => ({ type: 'say', text })), transfer()] };
  }

  async function turn(ctx: ChannelContext, call: CallState, request: TurnRequest): Promise<VoiceResponse> {
    const t = settings.texts();
    switch (request.event) {
      case 'hangup':
        calls.end(request.callId);
        return { actions: [{ type: 'hangup' }] };
      case 'start': {
        call.pending = [];
        call.options = [];
        call.confirm = undefined;
        call.noInput = 0;
        // Stored as a "follow": the call opens (or continues) the caller's conversation and counts as a voice call.
        // The switchboard speaks its own greeting, written for the ear.
        await store(ctx, inbound(call, request, { kind: 'follow' }));
        return sayAndGather(t.greeting);
      }
      case 'no_input':
        return silence(call);
      case 'dtmf': {
        call.noInput = 0;
        const digits = request.digits ?? '';
        if (digits === '0') return toOperator(ctx, call, request, digits);
        if (call.confirm !== undefined) {
          const said = call.confirm;
          call.confirm = undefined;
          if (digits === '1') return ask(ctx, call, request, { text: said, meta: { confirmedTranscript: true } });
          return sayAndGather(t.reask);
        }
        if (digits === '1' && call.pending.length) return readOn(call);
        const option = /^[1-9]$/.test(digits) ? call.options[Number(digits) - 1] : undefined;
        if (option) return ask(ctx, call, request, { text: option.title, choice: option.payload });
        if (digits === '1') return sayAndGather(t.noMore);
        return ask(ctx, call, request, { text: digits });
      }
      case 'speech': {
        const said = (request.transcript ?? '').trim();
        if (!said) return silence(call);
        call.noInput = 0;
        if (asksForOperator(said)) return toOperator(ctx, call, request, said);
        if (call.confirm !== undefined) {
          const answer = yesOrNo(said);
          const waiting = call.confirm;
          call.confirm = undefined;
          if (answer === true) return ask(ctx, call, request, { text: waiting, meta: { confirmedTranscript: true } });
          if (answer === false) return sayAndGather(t.reask);
          // Anything else is the question said again.
        }
        if (call.pending.length && asksToContinue(said)) return readOn(call);
        if (request.confidence !== undefined && request.confidence < minConfidence) {
          call.confirm = said;
          return sayAndGather(fillText(t.confirm, { transcript: said }));
        }
        return ask(ctx, call, request, { text: said });
      }
    }
  }

  function silence(call: CallState): VoiceResponse {
    const t = settings.texts();
    call.noInput++;
    if (call.noInput >= 2) return sayAndTransfer(t.noInputTransfer);
    return sayAndGather(t.noInput);
  }

  function readOn(call: CallState): VoiceResponse {
    const chunk = call.pending.shift() as string;
    return afterChunk(call, chunk, true);
  }

  async function handle(ctx: ChannelContext, request: TurnRequest): Promise<VoiceResponse> {
    return calls.run(request.callId, async (call) => {
      const seq = request.seq !== undefined ? String(request.seq) : undefined;
      const key = createHash('sha256')
        .update(JSON.stringify([request.event, request.transcript ?? null, request.digits ?? null, request.confidence ?? null, seq ?? null]))
        .digest('hex');
      if (seq !== undefined) {
        const answered = call.bySeq.get(seq);
        if (answered) return answered;
      } else if (call.last && call.last.key === key && now() - call.last.at < RETRY_WINDOW_MS) {
        return call.last.response;
      }
      let response: VoiceResponse;
      try {
        response = await turn(ctx, call, request);
      } catch (err) {
        ctx.log.error({ err, callId: request.callId, event: request.event }, 'voice turn failed; transferring the call');
        response = sayAndTransfer(settings.texts().error);
      }
      if (request.event !== 'hangup') calls.remember(call, seq, key, response);
      return response;
    });
  }

  return {
    name: 'voichat',
    capabilities: { maxTextLength: 2000, maxQuickReplies: 9, speech: true, typingIndicator: false },

    mount(router: Router, ctx: ChannelContext) {
      router.post('/webhooks/voichat', async (req: Request, res: Response) => {
        const auth = req.get('authorization') ?? '';
        const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
        if (!token || !sameSecret(token, settings.secret)) {
          res.status(401).json({ error: 'missing or wrong bearer token' });
          return;
        }
        const parsed = parseTurnRequest(Buffer.isBuffer(req.body) ? req.body : undefined);
        if (!parsed.ok) {
          res.status(400).json({ error: parsed.reason });
          return;
        }
        res.json(await handle(ctx, parsed.request));
      });
    },

    async stop() {
      calls.clear();
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      // The pipeline marks the replies of a synchronous turn `spoken` in the turn's own transaction.
      if (message.meta?.spoken === true) return { ok: true };
      return { ok: false, retryable: false, reason: CALL_ENDED_REASON };
    },
  };
}
