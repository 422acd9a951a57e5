/** The Zalo connector's send against the fake OA API: one shared refresh for concurrent sends, refresh failures. */
import { createZaloConnector, type ZaloTokens } from '../../channels/zalo';
import type { OutboundMessage } from '../../channels/types';
import { startFakeZaloApi, type FakeZaloApi } from '../support/fakeZaloApi';

describe('Zalo send', () => {
  let zalo: FakeZaloApi;
  beforeEach(async () => {
    zalo = await startFakeZaloApi({ appId: 'app', appSecret: 'secret', accessToken: 'at0', refreshToken: 'rt0' });
  });
  afterEach(() => zalo.close());

  function connector(stored?: ZaloTokens) {
    let saved = stored;
    const c = createZaloConnector(
      { appId: 'app', appSecret: 'secret', oaSecretKey: 'k', accessToken: 'at0', refreshToken: 'rt0', apiUrl: zalo.url, oauthUrl: zalo.url, timeoutMs: 2000 },
      { tokenStore: { load: async () => saved, save: async (t) => void (saved = t) }, now: () => new Date() },
    );
    return { c, saved: () => saved };
  }
  const message = (id: string): OutboundMessage => ({ outboxId: id, conversationId: 'c', channel: 'zalo', externalUserId: 'u1', text: 'Dạ, tổng đài đã nhận.', author: 'bot', attempt: 0 });

  it('lets concurrent sends rejected with -216 share one refresh, then all go out with the new token', async () => {
    const { c, saved } = connector();
    zalo.invalidateAccessTokens();
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((id) => c.send(message(id))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(zalo.refreshes()).toHaveLength(1);
    const newToken = saved()!.accessToken;
    expect(newToken).not.toBe('at0');
    const accepted = zalo.sends().filter((r) => r.headers.access_token === newToken);
    expect(accepted).toHaveLength(4);
    expect(saved()).toMatchObject({ refreshToken: zalo.state.refreshToken, seed: 'rt0' });
  });

  it('fails with a re-authorization reason when the refresh token is spent, and keeps -216 from looping', async () => {
    const { c } = connector({ accessToken: 'dead', refreshToken: 'spent', seed: 'rt0' });
    const result = await c.send(message('x'));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: expect.stringMatching(/cấp quyền lại/) });
    expect(zalo.refreshes()).toHaveLength(1);
    expect(zalo.sends()).toHaveLength(1);
  });

  it('returns Zalo\'s message_id so receipts can be matched (there is no metadata field)', async () => {
    const { c } = connector();
    const result = await c.send(message('y'));
    expect(result).toMatchObject({ ok: true, externalId: expect.stringMatching(/^[0-9a-f]{20}$/) });
    expect(zalo.sends()[0].body).toEqual({ recipient: { user_id: 'u1' }, message: { text: 'Dạ, tổng đài đã nhận.' } });
  });
});
