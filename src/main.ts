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
import { loadConfig, secretValues, type Config } from './config';
import type { TurnEffect, TurnEngine } from './domain/turn';
import type { TriageVerdict } from './domain/types';
import { createBotEngine } from './engine/botEngine';
import { fill, loadTemplates } from './kb/templates';
import { PublishedBase } from './kb/publishedBase';
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
import { createRealtime } from './web/realtime';
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

  const knowledge = new PublishedBase({ db: store.db, bus, kbDir: config.KB_DIR, clock, onError: (err) => log.error({ err }, 'knowledge base reload failed') });
  await knowledge.start();
  const templates = loadTemplates(path.join(config.KB_DIR, 'templates.yaml'));
  const texts = (key: string, vars: Record<string, string | number> = {}) => fill(templates[key] ?? key, vars);
  const thresholds = { ...DEFAULT_THRESHOLDS, answer: config.ANSWER_THRESHOLD, suggest: config.SUGGEST_THRESHOLD };

  const triage = options.triage ?? ((_text: string): TriageVerdict => ({ level: 'none', symptoms: [] }));
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
    details: () => ({}),
    agencyFor: () => undefined,
  };
  const engine = options.engine ?? createBotEngine(createCovidBot(botDeps), { onTurnError: (err) => log.error({ err }, 'bot turn failed') });

  const connectors = new Map<string, ChannelConnector>();
  if (config.APP_CHANNEL_TOKEN) {
    connectors.set('app', createAppConnector({ token: config.APP_CHANNEL_TOKEN, callbackUrl: config.APP_CALLBACK_URL, callbackSecret: config.APP_CALLBACK_SECRET, timeoutMs: config.SEND_TIMEOUT_MS }));
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
  const hooks: PipelineHooks = {
    turnContext: async () => ({ operatorsOnShift: true, operatorHours: config.OPERATOR_HOURS_TEXT }),
    effects: {
      answered: (tx, effect, info) => recordAnswered(tx, effect as Extract<TurnEffect, { type: 'answered' }>, { conversationId: info.conversation.id, channel: info.conversation.channel, at: info.now }),
      feedback: (tx, effect, info) => recordFeedback(tx, effect as { entryId: string; helpful: boolean }, { conversationId: info.conversation.id, at: info.now }),
      questionLeft: (tx, effect, info) => recordQuestionLeft(tx, (effect as { question: string }).question, { conversationId: info.conversation.id, channel: info.conversation.channel, at: info.now }),
    },
  };
  const pipeline = new Pipeline({ store, clock, engine, triage, bus, log, hooks, onOutbound: (rows) => worker.kick(rows.map((r) => r.outboxId)) });

  // The HTTP server and socket.io exist before the routes, so connectors and routers can use them.
  const server = http.createServer();
  const io = await createRealtime(server, store.pool);

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

  const app = createWebApp({ readiness: () => readiness(store.db), channelRouter, routers, log });
  server.on('request', app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;

  for (const connector of connectors.values()) await connector.start?.(channelContext);
  worker.start();
  // Messages acknowledged before a crash but never answered are processed now.
  await pipeline.recover();

  let stopped = false;
  return {
    config, url, server, io, secret: sessionSecret, knowledge, store, bus, pipeline, worker, connectors, log, clock,
    async settle() {
      await pipeline.idle();
      await worker.drain();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => io.close(() => resolve()));
      server.closeAllConnections?.();
      for (const connector of connectors.values()) await connector.stop?.();
      knowledge.stop();
      await pipeline.stop();
      await worker.stop();
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
