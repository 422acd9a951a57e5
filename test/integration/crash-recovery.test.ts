/**
 * Invariants 1 and 2: a message acknowledged with 202 is never lost, and every reply is delivered, even when the
 * process is killed with SIGKILL in the middle of receiving, processing and delivering.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRecordingServer } from '../support/callbackServer';
import { waitFor } from '../support/platform';

const TOKEN = 'crash-test-token';

function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../support/childPlatform.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
}

describe('crash recovery', () => {
  it('loses no acknowledged message and delivers every reply after kill -9', async () => {
    // The callback is slow at first, so replies are pending in the outbox when the process dies.
    const callback = await startRecordingServer(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return { status: 200, body: {} };
    });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline1022-crash-'));
    const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, DELIVERY_BASE_DELAY_MS: '50', DELIVERY_POLL_MS: '100', DELIVERY_CONCURRENCY: '4', SEND_TIMEOUT_MS: '2000' };
    const first = await startChild(env);

    const acknowledged: string[] = [];
    const total = 300;
    let sent = 0;
    const send = async (i: number) => {
      try {
        const res = await fetch(`${first.url}/api/v1/app/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ userId: `citizen-${i}`, messageId: `msg-${i}`, text: `tiêm vắc xin ở đâu ${i}` }),
        });
        if (res.status === 202) acknowledged.push(`citizen-${i}`);
      } catch {
        // the process died under this request: not acknowledged, may or may not be stored
      }
    };
    const sending = (async () => {
      const workers = Array.from({ length: 8 }, async () => {
        while (sent < total) await send(sent++);
      });
      await Promise.all(workers);
    })();
    await waitFor(() => acknowledged.length >= 100, 15000, '100 acknowledged messages');
    first.child.kill('SIGKILL');
    await sending;
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);

    const second = await startChild(env);
    try {
      // Rows the dead process had claimed are due again when its lease (send timeout + 5 s) runs out.
      await waitFor(() => acknowledged.every((user) => callback.received.some((r) => r.json?.userId === user)), 45000, 'a reply to every acknowledged message');
      // Every outbound payload carries its outbox id; a repeat after the crash has the same id.
      const outboxIds = new Set(callback.received.map((r) => r.json.messageId));
      const repliedUsers = new Set(callback.received.map((r) => r.json.userId));
      for (const user of acknowledged) expect(repliedUsers.has(user)).toBe(true);
      expect(outboxIds.size).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      second.child.kill('SIGTERM');
      await callback.close();
    }
  }, 90000);
});
