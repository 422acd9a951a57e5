/** Settings are validated once with a message naming the wrong one; logs never carry secrets or personal data. */
import { Writable } from 'node:stream';
import { ConfigError, loadConfig, secretValues } from '../../src/config';
import { createLogger } from '../../src/log';

describe('settings', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DATA_DIR).toMatch(/data$/);
    expect(config.REPORT_TIME).toBe('10:30');
  });

  it('stops with a message that names every wrong setting, hiding secret values', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', REPORT_TIME: '25:00', DATABASE_URL: 'mysql://root:hunter2@db/x' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT="abc"/);
    expect(message).toMatch(/REPORT_TIME="25:00": expected HH:MM/);
    expect(message).toMatch(/DATABASE_URL=\(hidden\)/);
    expect(message).not.toContain('hunter2');
  });
});

describe('logs', () => {
  function capture() {
    const lines: string[] = [];
    const destination = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    return { lines, destination };
  }

  it('mask phone numbers, emails, bearer tokens and configured secrets, in messages and in fields', () => {
    const config = loadConfig({ APP_CHANNEL_TOKEN: 'app-token-s3cr3t-value', ZALO_APP_SECRET: 'zalo-app-secret-xyz' });
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', secrets: secretValues(config), destination });
    log.info({ from: 'citizen 0912 345 678', email: 'lan.nguyen@binhphuoc.gov.vn', headers: { authorization: 'Bearer abcdefghijkl' }, note: 'token app-token-s3cr3t-value' }, 'call +84912345678 about zalo-app-secret-xyz');
    const out = lines.join('');
    for (const leaked of ['0912 345 678', '+84912345678', 'lan.nguyen@binhphuoc.gov.vn', 'abcdefghijkl', 'app-token-s3cr3t-value', 'zalo-app-secret-xyz']) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain('[phone]');
    expect(out).toContain('[email]');
    expect(JSON.parse(out).headers.authorization).toBe('[secret]');
  });
});
