/**
 * Composition root: config → store → knowledge base → engine → channels → web. Nothing else wires parts together.
 * `npm start` runs this file; tests call startPlatform() with their own settings.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type { ChannelConnector, ChannelContext } from '../channels/types';
import { createAppConnector } from '../channels/app';
import { createWebchatConnector } from '../channels/webchat';
import { createMessengerConnector } from '../channels/messenger';
import { createZaloConnector, zaloTokenStoreOver } from '../channels/zalo';
import { createEmailConnector } from '../channels/email';
import { createVoichatConnector, voiceTextsFrom } from '../channels/voichat';
import { applyDeclarationEffect } from './declarations';
import { loadConfig, secretValues, type Config } from './config';
import type { TurnEffect, TurnEngine } from './domain/turn';
import type { TriageVerdict } from './domain/types';
import { createBotEngine } from './engine/botEngine';
import { anyOperatorOnShift } from './handoff/shift';
import { triageFromFile } from './nlp/triage';
import { fill, loadTemplates } from './kb/templates';
import { PublishedBase } from './kb/publishedBase';
import { createContentModule, currentTextRules, keepTemplatesLive, type ContentModule } from './content';
import { createContentRouters } from './web/api/content';
import { recordAnswered, recordFeedback, recordQuestionLeft } from './kb/usage';
import { DEFAULT_THRESHOLDS, decide, suggestions } from './nlp/retriever';
import { createCovidBot } from '../bots/covid1022/bot';
import type { BotDeps } from '../bots/covid1022/deps';
import { loadIntents } from '../bots/covid1022/intents';
import { createLogger, type Log } from './log';
import { applyDeliveryUpdate } from './pipeline/deliveryUpdates';
import { DeliveryWorker } from './pipeline/deliveryWorker';
import { LocalEventBus, PostgresEventBus, type EventBus } from './pipeline/events';
import { Pipeline, type PipelineHooks } from './pipeline/pipeline';
import { systemClock, type Clock } from './store/clock';
import { migrate, openDatabase, readiness, type DbHandle } from './store/db';
import { getValue, setValue } from './store/kv';
import { createWebApp } from './web/app';
import { createDeclarationsRouter } from './web/api/declarations';
import { createRealtime } from './web/realtime';
import { HandoffService } from './handoff/service';
import { createConsole } from './web/api/console';
import { installAuth } from './web/auth/middleware';
import { createCaseModule, type CaseModule } from './cases';
import { routingOver } from './cases/agencies';
import { loadAgencyDirectory } from './cases/agencyDirectory';
import { detailExtractorOver } from './cases/extraction';
import { loadCaseTexts } from './cases/texts';
import { createSmtpMailer } from './notify/mailer';
import { createCasesRouter } from './web/api/cases';
import { createAgencyAnswerRouter } from './web/agency/answerPage';
import { createMailer } from '../channels/email/mailer';
import { createReportsModule, type ReportsModule } from './reports';
import { createReportsRouters } from './web/api/reportsRouters';
import type { Server as RealtimeServer } from 'socket.io';

export interface PlatformOptions {
  clock?: Clock;
  log?: Log;
  /** Replaces the bot (benchmarks of the bare pipeline). */
  engine?: TurnEngine;
  /** Replaces the triage detector (tests). */
  triage?: (text: string) => TriageVerdict;
}

export interface Platform {
  config: Config;
  url: string;
  server: http.Server;
  io: RealtimeServer;
  /** Shared secret for signed links and tokens (SESSION_SECRET or generated once in the database). */
  secret: string;
  store: DbHandle;
  bus: EventBus;
  pipeline: Pipeline;
  knowledge: PublishedBase;
  /** The content team's workspace: entries, review and publishing, import/export, unanswered questions, documents. */
  content: ContentModule;
  /** The operators' queue and assignment (claim, transfer, release, close). */
  handoff: HandoffService;
  /** Urgent cases, forwarding to agencies, their timers (tick()) and mail notifications. */
  cases: CaseModule;
  /** Intake levels, shifts, phone calls, daily reports and /metrics. */
  reports: ReportsModule;
  worker: DeliveryWorker;
  connectors: Map<string, ChannelConnector>;
  log: Log;
  clock: Clock;
  /** Waits until every received message is processed and every due delivery attempted (tests). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const log = options.log ?? createLogger({ level: config.LOG_LEVEL, secrets: secretValues(config) });
  const clock = options.clock ?? systemClock;
  const instance = config.INSTANCE_ID || `${os.hostname()}-${process.pid}`;

  const store = openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await migrate(store.db);
  const sessionSecret = config.SESSION_SECRET || (await sharedSecret(store, clock));

  const bus: EventBus = store.pool ? new PostgresEventBus(store.pool, (err) => log.warn({ err }, 'event bus')) : new LocalEventBus();
  if (bus instanceof PostgresEventBus) await bus.start();

  const knowledge = new PublishedBase({ db: store.db, bus, kbDir: config.KB_DIR, clock, onError: (err) => log.error({ err }, 'knowledge base reload failed'), textRules: () => currentTextRules(store.db, config.KB_DIR) });
  await knowledge.start();
  const templates = loadTemplates(path.join(config.KB_DIR, 'templates.yaml'));
  // Texts edited in the console replace the file's, in place, on every instance (src/content/textRules.ts).
  const stopLiveTemplates = await keepTemplatesLive({ db: store.db, bus, kbDir: config.KB_DIR, onError: (err) => log.error({ err }, 'templates reload failed') }, templates);
  const texts = (key: string, vars: Record<string, string | number> = {}) => fill(templates[key] ?? key, vars);
  const thresholds = { ...DEFAULT_THRESHOLDS, answer: config.ANSWER_THRESHOLD, suggest: config.SUGGEST_THRESHOLD };
  // Health agencies and the districts they serve (knowledge-base/agencies.yaml): routing of urgent cases.
  const agencyDirectory = loadAgencyDirectory(path.join(config.KB_DIR, 'agencies.yaml'), { provincePointId: config.PROVINCE_POINT_AGENCY });

  // Triage lexicon, warning signs and cues are data (knowledge-base/symptoms.yaml).
  const triage = options.triage ?? triageFromFile(path.join(config.KB_DIR, 'symptoms.yaml'));
  const extractCaseDetails = detailExtractorOver(agencyDirectory, clock);
  const botDeps: BotDeps = {
    texts,
    intent: loadIntents(path.join(config.KB_DIR, 'intents.yaml')),
    faq: {
      search(text) {
        const result = knowledge.index.search(text);
        return { matches: result.matches, confidence: result.confidence, decision: decide(result, thresholds), options: suggestions(result, thresholds) };
      },
      entry: (id) => knowledge.index.current.entries.get(id),
    },
    details: extractCaseDetails,
    agencyFor(level, district) {
      const now = clock.now();
      const area = district ? agencyDirectory.findArea(district, now) : undefined;
      const agency = agencyDirectory.route({ level, districtId: area?.id }, now);
      return { name: agency.name, phone: agency.phones[0] };
    },
  };
  const engine = options.engine ?? createBotEngine(createCovidBot(botDeps), { onTurnError: (err) => log.error({ err }, 'bot turn failed') });

  const connectors = new Map<string, ChannelConnector>();
  if (config.APP_CHANNEL_TOKEN) {
    connectors.set('app', createAppConnector({ token: config.APP_CHANNEL_TOKEN, callbackUrl: config.APP_CALLBACK_URL, callbackSecret: config.APP_CALLBACK_SECRET, timeoutMs: config.SEND_TIMEOUT_MS }));
  }
  if (config.MESSENGER_APP_SECRET) {
    connectors.set('messenger', createMessengerConnector({ appSecret: config.MESSENGER_APP_SECRET, verifyToken: config.MESSENGER_VERIFY_TOKEN, pageAccessToken: config.MESSENGER_PAGE_ACCESS_TOKEN, graphApiUrl: config.GRAPH_API_URL, timeoutMs: config.SEND_TIMEOUT_MS, typingOnReceive: false }, { now: () => clock.now() }));
  }
  if (config.ZALO_OA_SECRET_KEY) {
    // The rotating OA token pair is kept in the kv table, so a restart (or another instance) continues the chain.
    const tokenStore = zaloTokenStoreOver({ get: (key) => getValue(store.db, key), set: (key, value) => setValue(store.db, key, value, clock.now().toISOString()) });
    connectors.set('zalo', createZaloConnector(
      { appId: config.ZALO_APP_ID, appSecret: config.ZALO_APP_SECRET, oaSecretKey: config.ZALO_OA_SECRET_KEY, accessToken: config.ZALO_ACCESS_TOKEN, refreshToken: config.ZALO_REFRESH_TOKEN, apiUrl: config.ZALO_API_URL, oauthUrl: config.ZALO_OAUTH_URL, timeoutMs: config.SEND_TIMEOUT_MS },
      { tokenStore, now: () => clock.now(), log },
    ));
  }
  if (config.IMAP_HOST || config.SMTP_URL) {
    // Email: IMAP in (when IMAP_HOST is set), SMTP out; its UID marks, threads and rate counts live in the kv table.
    const mailState = { get: (key: string) => getValue(store.db, `email:${key}`), set: (key: string, value: string) => setValue(store.db, `email:${key}`, value, clock.now().toISOString()) };
    const imap = config.IMAP_HOST ? { host: config.IMAP_HOST, port: config.IMAP_PORT, secure: config.IMAP_SECURE, user: config.IMAP_USER ?? '', password: config.IMAP_PASSWORD ?? '', mailbox: config.IMAP_MAILBOX, pollSeconds: config.IMAP_POLL_SECONDS } : undefined;
    connectors.set('email', createEmailConnector({ imap, smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, repliesPerSenderPerHour: config.EMAIL_REPLIES_PER_SENDER_PER_HOUR, timeoutMs: config.SEND_TIMEOUT_MS }, { state: mailState, now: () => clock.now() }));
  }
  if (config.VOICHAT_SECRET) {
    voiceTextsFrom(templates); // fails start-up when a voice text is missing
    connectors.set('voichat', createVoichatConnector({ secret: config.VOICHAT_SECRET, operatorLine: config.OPERATOR_PHONE_LINE, texts: () => voiceTextsFrom(templates) }));
  }

  const worker = new DeliveryWorker(
    { store, clock, bus, connectors, log },
    {
      worker: instance,
      concurrency: config.DELIVERY_CONCURRENCY,
      maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
      baseDelayMs: config.DELIVERY_BASE_DELAY_MS,
      maxDelayMs: config.DELIVERY_MAX_DELAY_MS,
      pollMs: config.DELIVERY_POLL_MS,
      sendTimeoutMs: config.SEND_TIMEOUT_MS,
    },
  );
  // Rows just committed by this instance are sent at once, without waiting for the worker's poll.
  const deliverNow = (rows: Array<{ outboxId: string }>) => worker.kick(rows.map((r) => r.outboxId));
  const handoff = new HandoffService({
    store, bus, clock, log,
    autoAssign: config.AUTO_ASSIGN,
    template: (key, vars) => (templates[key] ? fill(templates[key], vars) : undefined),
    onOutbound: deliverNow,
  });
  // Agency links need the public URL, known once the server listens.
  let publicUrl = config.PUBLIC_URL ?? '';
  const caseTexts = loadCaseTexts(config.KB_DIR);
  const cases = createCaseModule({
    store, clock, bus, log, instance,
    agencies: routingOver(agencyDirectory),
    texts: caseTexts,
    extract: extractCaseDetails,
    settings: {
      timeZone: config.TIMEZONE,
      notifyAfterMinutes: config.CASE_NOTIFY_AFTER_MINUTES,
      ackSlaMinutes: config.CASE_ACK_SLA_MINUTES,
      supervisorEmails: config.SUPERVISOR_EMAILS,
      linkTtlHours: config.FORWARD_LINK_TTL_HOURS,
      publicUrl: () => publicUrl,
      secret: sessionSecret,
    },
    mailer: config.SMTP_URL ? createSmtpMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, timeoutMs: config.SEND_TIMEOUT_MS }) : undefined,
    onOutbound: deliverNow,
  });
  // Intake levels and staffing (knowledge-base/levels.yaml), phone calls, the daily report before 11:00, /metrics.
  const caseRouting = routingOver(agencyDirectory);
  const reports = createReportsModule({
    store, clock, bus, log, instance,
    settings: { kbDir: config.KB_DIR, timeZone: config.TIMEZONE, reportTime: config.REPORT_TIME, reportRecipients: config.REPORT_RECIPIENTS, leaderEmails: config.LEADER_EMAILS, supervisorEmails: config.SUPERVISOR_EMAILS, ackSlaMinutes: config.CASE_ACK_SLA_MINUTES, fontFile: config.REPORT_FONT },
    mailer: config.SMTP_URL ? createMailer(config.SMTP_URL, config.MAIL_FROM, { timeoutMs: config.SEND_TIMEOUT_MS }) : undefined,
    kickNotifier: () => cases.notifier.kick(),
    agencyName: (id) => (id ? caseRouting.agencyById(id)?.name ?? id : '—'),
    triage,
    onUrgent: cases.hooks.onUrgent,
  });
  const hooks: PipelineHooks = {
    onUrgent: cases.hooks.onUrgent,
    turnContext: async (tx) => ({ operatorsOnShift: await anyOperatorOnShift(tx, clock.now()), operatorHours: config.OPERATOR_HOURS_TEXT }),
    effects: {
      handoff: handoff.applyHandoffEffect,
      urgentCase: cases.hooks.effects.urgentCase,
      answered: (tx, effect, info) => recordAnswered(tx, effect as Extract<TurnEffect, { type: 'answered' }>, { conversationId: info.conversation.id, channel: info.conversation.channel, at: info.now }),
      feedback: (tx, effect, info) => recordFeedback(tx, effect as { entryId: string; helpful: boolean }, { conversationId: info.conversation.id, at: info.now }),
      questionLeft: (tx, effect, info) => recordQuestionLeft(tx, (effect as { question: string }).question, { conversationId: info.conversation.id, channel: info.conversation.channel, at: info.now }),
      declaration: async (tx, effect, info) => void (await applyDeclarationEffect(tx, effect, info)),
    },
  };
  const pipeline = new Pipeline({
    store, clock, engine, triage, bus, log, hooks,
    onBotTurn: (conversation) => void connectors.get(conversation.channel)?.typing?.(conversation.externalUserId, true)?.catch(() => undefined),
    onOutbound: deliverNow,
  });

  // The HTTP server and socket.io exist before the routes, so connectors and routers can use them.
  const server = http.createServer();
  const io = await createRealtime(server, store.pool);
  // The web chat widget is always on: it serves /widget.js, the demo page at / and socket.io namespace /widget.
  connectors.set('webchat', createWebchatConnector({ io, store, bus, clock, log, settings: { maxText: config.WIDGET_MAX_TEXT, messagesPerMinute: config.WIDGET_MESSAGES_PER_MINUTE, kbDir: config.KB_DIR } }));

  const channelContext: ChannelContext = {
    receive: (message) => pipeline.receive(message),
    receiveAndReply: (message) => pipeline.receiveAndReply(message),
    updateDelivery: (update) => applyDeliveryUpdate(store, bus, update),
    log,
  };
  const channelRouter = express.Router();
  for (const connector of connectors.values()) connector.mount?.(channelRouter, channelContext);

  // Feature routers (console API, widget, cases, reports…), mounted after the channel webhooks.
  const routers: express.Router[] = [];
  // The operator console: sign-in (requireRole for every staff router), its API, /console and socket namespace /console.
  const operatorConsole = createConsole({
    db: store.db, bus, clock, io, handoff, log,
    auth: { maxFailures: config.LOGIN_MAX_FAILURES, lockMinutes: config.LOGIN_LOCK_MINUTES, sessionTtlHours: config.SESSION_TTL_HOURS, secureCookies: (config.PUBLIC_URL ?? '').startsWith('https:') },
    sla: { queueMinutes: config.QUEUE_SLA_MINUTES, urgentMinutes: config.CASE_ACK_SLA_MINUTES },
    timeZone: config.TIMEZONE,
    typingChannels: new Set(['webchat']),
    searchKnowledgeBase: (text) => {
      const result = knowledge.index.search(text, 8);
      return result.matches.map((m, i) => ({ id: m.id, question: result.entries[i].question, answer: result.entries[i].answer, score: m.score }));
    },
  });
  routers.push(createDeclarationsRouter({ db: store.db, timeZone: config.TIMEZONE }));
  routers.push(...operatorConsole.routers);
  // The content team's workspace: /api/content/… (entries, publishing, import/export, unanswered questions, documents).
  const content = createContentModule({
    db: store.db, bus, clock, log, knowledge, templates, kbDir: config.KB_DIR, dataDir: config.DATA_DIR,
    settings: { reviewDays: config.KB_REVIEW_DAYS, needsSecondPerson: config.PUBLISH_NEEDS_SECOND_PERSON, uploadMaxMb: config.UPLOAD_MAX_MB, timeZone: config.TIMEZONE, mailFrom: config.MAIL_FROM, thresholds },
  });
  routers.push(...createContentRouters(content));
  routers.push(
    createCasesRouter({ cases, agencies: routingOver(agencyDirectory), clock }),
    createAgencyAnswerRouter({ forwarding: cases.forwarding, texts: caseTexts, timeZone: config.TIMEZONE, log }),
  );
  routers.push(...createReportsRouters(reports, { db: store.db, clock, timeZone: config.TIMEZONE, metricsToken: config.METRICS_TOKEN }));

  const app = createWebApp({ readiness: () => readiness(store.db), channelRouter, routers, log });
  installAuth(app, operatorConsole.auth);
  server.on('request', app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;
  publicUrl = url;

  for (const connector of connectors.values()) await connector.start?.(channelContext);
  worker.start();
  cases.start(config.CASE_TICK_SECONDS * 1000);
  reports.start({ levelCheckMs: config.LEVEL_CHECK_SECONDS * 1000, reportCheckMs: 30_000 });
  void handoff.assignWaiting().catch((err) => log.warn({ err }, 'auto-assignment at start'));
  // Messages acknowledged before a crash but never answered are processed now.
  await pipeline.recover();

  let stopped = false;
  return {
    config, url, server, io, secret: sessionSecret, knowledge, content, handoff, cases, reports, store, bus, pipeline, worker, connectors, log, clock,
    async settle() {
      await pipeline.idle();
      await worker.drain();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      operatorConsole.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      server.closeAllConnections?.();
      for (const connector of connectors.values()) await connector.stop?.();
      knowledge.stop();
      stopLiveTemplates();
      await pipeline.stop();
      await worker.stop();
      await reports.stop();
      await cases.stop();
      await bus.close();
      await store.close();
    },
  };
}

/** A secret for signed links and tokens, generated once and shared by every instance through the database. */
async function sharedSecret(store: DbHandle, clock: Clock): Promise<string> {
  const existing = await getValue(store.db, 'session_secret');
  if (existing) return existing;
  await setValue(store.db, 'session_secret', randomBytes(32).toString('hex'), clock.now().toISOString()).catch(() => undefined);
  return (await getValue(store.db, 'session_secret')) as string;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const platform = await startPlatform(config);
  const { url, log } = platform;
  log.info({ database: platform.store.dialect }, 'hotline1022 started');
  console.log(`\nTổng đài 1022 is running:\n  widget demo  ${url}/\n  console      ${url}/console\n  health       ${url}/healthz  ${url}/readyz\n`);
  const shutdown = (signal: string) => {
    log.info({ signal }, 'stopping');
    platform.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // A failing background task is logged; the process keeps serving.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

if (require.main === module) void main();
