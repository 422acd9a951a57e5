/** Agency links: signed, expiring, tamper-evident; the page's form token is bound to one link. */
import { formToken, formTokenMatches, newNonce, signLink, verifyLink } from '../../src/cases/links';
import { renderAnswerPage, renderRefusal } from '../../src/web/agency/render';
import { caseTextsFrom } from '../../src/cases/texts';
import { loadTemplates } from '../../src/kb/templates';
import path from 'node:path';

const SECRET = 'platform-secret-for-tests';

describe('agency links', () => {
  const claims = { caseId: '6f1c2a3b-0000-4000-8000-000000000001', nonce: newNonce(), expiresAt: new Date('2021-08-09T10:00:00Z') };

  it('round-trips the case, nonce and expiry', () => {
    const token = signLink(SECRET, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyLink(SECRET, token)).toEqual(claims);
  });

  it('refuses a token signed with another secret, a changed payload or a changed signature', () => {
    const token = signLink(SECRET, claims);
    expect(verifyLink('another-secret', token)).toBeUndefined();
    const [payload, sig] = token.split('.');
    const later = Buffer.from(`${claims.caseId}.${claims.nonce}.${Math.floor(Date.parse('2031-01-01') / 1000)}`).toString('base64url');
    expect(verifyLink(SECRET, `${later}.${sig}`)).toBeUndefined();
    const flipped = sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A');
    expect(verifyLink(SECRET, `${payload}.${flipped}`)).toBeUndefined();
    expect(verifyLink(SECRET, 'garbage')).toBeUndefined();
    expect(verifyLink(SECRET, `${payload}.${sig}.extra`)).toBeUndefined();
  });

  it('binds the form token to the link nonce', () => {
    const token = formToken(SECRET, claims.nonce);
    expect(formTokenMatches(SECRET, claims.nonce, token)).toBe(true);
    expect(formTokenMatches(SECRET, newNonce(), token)).toBe(false);
    expect(formTokenMatches(SECRET, claims.nonce, undefined)).toBe(false);
  });
});

describe('agency page HTML', () => {
  const t = caseTextsFrom(loadTemplates(path.resolve(__dirname, '../../knowledge-base/templates.yaml')));

  it('escapes what citizens and agencies wrote and carries no script', () => {
    const html = renderAnswerPage(t, {
      action: '/agency/answer/x.y',
      agencyName: 'Trung tâm Y tế <huyện>',
      code: 'CT-ABC123',
      dueAt: '17:00 10/08/2021',
      question: 'Xin hỏi <script>alert(1)</script> "tiêm mũi 2" khi nào?',
      formToken: 'tok"en',
    });
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('value="tok&quot;en"');
    expect(html).toContain('lang="vi"');
    expect(html).toContain('Gửi câu trả lời');
  });

  it('shows an approved answer read-only, without a form', () => {
    const html = renderAnswerPage(t, { action: '/a', agencyName: 'CDC', code: 'CT-1', dueAt: '—', question: 'q', formToken: 't', answer: 'Đã trả lời', approvedAt: '09:00 11/08/2021' });
    expect(html).not.toContain('<form');
    expect(html).toContain('Đã trả lời');
  });

  it('renders a refusal with its reason', () => {
    expect(renderRefusal(t, t('agencyPage.refused.expired', { at: '10:00 09/08/2021' }))).toContain('Liên kết đã hết hạn lúc 10:00 09/08/2021');
  });
});
