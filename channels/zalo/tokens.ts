/**
 * The OA access token and its single-use refresh token. Each refresh returns a new pair that is persisted at once
 * (one value, so atomically) through the TokenStore the platform gives: a restart continues the chain. The token is
 * refreshed before it expires and when Zalo rejects it; concurrent sends share one refresh.
 */
import { parseJson } from '../../src/store/ids';
import type { Logger } from '../types';
import type { RefreshOutcome } from './client';

export interface ZaloTokens {
  accessToken: string;
  refreshToken: string;
  /** ISO time the access token expires; unknown for tokens given in the settings. */
  expiresAt?: string;
  /** The ZALO_REFRESH_TOKEN setting this chain started from: a different setting means an administrator re-authorized. */
  seed?: string;
}

/** Where the pair lives (the platform adapts its key-value table to this). */
export interface ZaloTokenStore {
  load(): Promise<ZaloTokens | undefined>;
  save(tokens: ZaloTokens): Promise<void>;
}

/** A TokenStore over any string key-value store. */
export function zaloTokenStoreOver(kv: { get(key: string): Promise<string | undefined>; set(key: string, value: string): Promise<void> }, key = 'zalo.oa_tokens'): ZaloTokenStore {
  return {
    async load() {
      const value = parseJson<ZaloTokens | null>(await kv.get(key), null);
      return typeof value?.accessToken === 'string' && typeof value.refreshToken === 'string' ? value : undefined;
    },
    save: (tokens) => kv.set(key, JSON.stringify(tokens)),
  };
}

export type TokenOutcome = { ok: true; token: string } | { ok: false; retryable: boolean; reason: string };

export interface TokenKeeperDeps {
  store: ZaloTokenStore;
  refresh(refreshToken: string): Promise<RefreshOutcome>;
  now(): Date;
  /** ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN: used only when nothing is stored (or the refresh setting changed). */
  initial: { accessToken?: string; refreshToken?: string };
  /** Refresh when less than this is left (default 1 h). */
  refreshBeforeMs?: number;
  log?: Logger;
}

const HOUR = 3600_000;

export class ZaloTokenKeeper {
  private tokens?: ZaloTokens;
  private loading?: Promise<ZaloTokens | undefined>;
  private refreshing?: Promise<TokenOutcome>;
  private unsaved = false;

  constructor(private deps: TokenKeeperDeps) {}

  /** The token to send with, refreshed first when it is about to expire. */
  async accessToken(): Promise<TokenOutcome> {
    const tokens = await this.current();
    if (!tokens?.accessToken) {
      if (tokens?.refreshToken) return this.refreshShared();
      return { ok: false, retryable: false, reason: 'Chưa có mã truy cập Zalo OA (ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN)' };
    }
    if (this.unsaved) await this.persist(tokens);
    if (this.expiresSoon(tokens) && tokens.refreshToken) {
      const refreshed = await this.refreshShared();
      if (refreshed.ok || !this.expired(tokens)) {
        if (!refreshed.ok) this.deps.log?.warn({ reason: refreshed.reason }, 'zalo token refresh failed; the current token is still valid');
        return refreshed.ok ? refreshed : { ok: true, token: tokens.accessToken };
      }
      return refreshed;
    }
    return { ok: true, token: tokens.accessToken };
  }

  /** Zalo rejected `rejected`: take a newer stored token if another send or instance already refreshed, else refresh. */
  async afterRejection(rejected: string): Promise<TokenOutcome> {
    if (this.refreshing) return this.refreshing;
    await this.current();
    const stored = await this.deps.store.load().catch(() => undefined);
    if (this.refreshing) return this.refreshing;
    if (stored?.accessToken && stored.accessToken !== rejected) this.tokens = stored;
    if (this.tokens?.accessToken && this.tokens.accessToken !== rejected) return { ok: true, token: this.tokens.accessToken };
    return this.refreshShared();
  }

  /** Periodic check (keeps the chain alive when nobody writes for days: each refresh renews the refresh token). */
  async refreshIfDue(): Promise<void> {
    const tokens = await this.current();
    if (tokens?.refreshToken && this.expiresSoon(tokens)) {
      const outcome = await this.refreshShared();
      if (!outcome.ok) this.deps.log?.warn({ reason: outcome.reason }, 'zalo token refresh failed');
    }
  }

  private expiresSoon(tokens: ZaloTokens): boolean {
    if (!tokens.expiresAt) return false;
    return Date.parse(tokens.expiresAt) - this.deps.now().getTime() < (this.deps.refreshBeforeMs ?? HOUR);
  }

  private expired(tokens: ZaloTokens): boolean {
    return !!tokens.expiresAt && Date.parse(tokens.expiresAt) <= this.deps.now().getTime();
  }

  private async current(): Promise<ZaloTokens | undefined> {
    if (this.tokens) return this.tokens;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    this.tokens = await this.loading;
    return this.tokens;
  }

  private async load(): Promise<ZaloTokens | undefined> {
    const stored = await this.deps.store.load();
    const { accessToken, refreshToken } = this.deps.initial;
    // A stored chain wins, unless an administrator put a new refresh token in the settings (re-authorization).
    if (stored && (!refreshToken || stored.seed === refreshToken)) return stored;
    if (!accessToken && !refreshToken) return stored;
    const seeded: ZaloTokens = { accessToken: accessToken ?? '', refreshToken: refreshToken ?? '', ...(refreshToken && { seed: refreshToken }) };
    await this.persist(seeded);
    return seeded;
  }

  private refreshShared(): Promise<TokenOutcome> {
    this.refreshing ??= this.refreshNow().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshNow(): Promise<TokenOutcome> {
    await this.current();
    const before = (await this.deps.store.load().catch(() => undefined)) ?? this.tokens;
    if (before && this.tokens && before.refreshToken !== this.tokens.refreshToken && !this.expiresSoon(before) && before.accessToken) {
      // Another instance refreshed meanwhile.
      this.tokens = before;
      return { ok: true, token: before.accessToken };
    }
    const used = before?.refreshToken || this.tokens?.refreshToken;
    if (!used) return { ok: false, retryable: false, reason: 'Không có mã làm mới Zalo (ZALO_REFRESH_TOKEN); cần cấp quyền lại cho OA' };
    const outcome = await this.deps.refresh(used);
    if (!outcome.ok) {
      // A single-use refresh token fails when another instance used it first: its new pair is in the store.
      const after = await this.deps.store.load().catch(() => undefined);
      if (after && after.refreshToken !== used && after.accessToken) {
        this.tokens = after;
        return { ok: true, token: after.accessToken };
      }
      return outcome;
    }
    const { tokens } = outcome;
    const next: ZaloTokens = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      ...(tokens.expiresInSeconds && { expiresAt: new Date(this.deps.now().getTime() + tokens.expiresInSeconds * 1000).toISOString() }),
      ...((before?.seed ?? this.tokens?.seed) && { seed: before?.seed ?? this.tokens?.seed }),
    };
    this.tokens = next;
    await this.persist(next);
    this.deps.log?.info({ expiresAt: next.expiresAt }, 'zalo access token refreshed');
    return { ok: true, token: next.accessToken };
  }

  private async persist(tokens: ZaloTokens): Promise<void> {
    try {
      await this.deps.store.save(tokens);
      this.unsaved = false;
    } catch (err) {
      // The old refresh token is spent: keep the new pair in memory and save it again on the next use.
      this.unsaved = true;
      this.deps.log?.error({ err }, 'zalo tokens not saved; will retry');
    }
  }
}
