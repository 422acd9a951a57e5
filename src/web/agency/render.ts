/** Server-rendered HTML of the agency answer page: no script at all, one plain form, every value escaped. */
import type { CaseTexts } from '../../cases/texts';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Escapes and keeps line breaks. */
const paragraph = (s: string): string => escapeHtml(s).replace(/\n/g, '<br>');

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.4rem;color:#0b4f8a}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}
.question,.answer{background:#f3f6f9;border-left:4px solid #0b4f8a;padding:.8rem 1rem;margin:.5rem 0 1.2rem}
label{display:block;font-weight:600;margin-top:1rem}textarea,input[type=text]{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #8a97a5;border-radius:4px}
textarea{min-height:12rem}button{margin-top:1rem;font:inherit;padding:.6rem 1.4rem;background:#0b4f8a;color:#fff;border:0;border-radius:4px;cursor:pointer}
.notice{padding:.8rem 1rem;border-radius:4px;margin:1rem 0}.ok{background:#e5f4e8;border:1px solid #3c8c4f}.error{background:#fdecea;border:1px solid #c0392b}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>`;
}

export interface AnswerPageModel {
  action: string;
  agencyName: string;
  code: string;
  dueAt: string;
  question: string;
  contact?: string;
  formToken: string;
  /** The answer already sent (amendable), or the text the officer typed when it was refused. */
  answer?: string;
  answeredBy?: string;
  answeredAt?: string;
  /** Approved: shown read-only. */
  approvedAt?: string;
  sent?: boolean;
  error?: string;
}

export function renderAnswerPage(t: CaseTexts, m: AnswerPageModel): string {
  const title = t('agencyPage.title');
  const notices = [
    m.sent ? `<p class="notice ok" role="status">${escapeHtml(t('agencyPage.thanks'))}</p>` : '',
    m.error ? `<p class="notice error" role="alert">${escapeHtml(m.error)}</p>` : '',
  ].join('');
  const facts = `<dl><dt>${escapeHtml(t('agencyPage.code'))}</dt><dd>${escapeHtml(m.code)}</dd><dt>${escapeHtml(t('agencyPage.due'))}</dt><dd>${escapeHtml(m.dueAt)}</dd></dl>`;
  const question = `<h2>${escapeHtml(t('agencyPage.question'))}</h2><div class="question">${paragraph(m.question)}</div>`;
  const contact = m.contact ? `<h2>${escapeHtml(t('agencyPage.contact'))}</h2><p>${escapeHtml(m.contact)}</p>` : '';
  let answer: string;
  if (m.approvedAt) {
    answer = `<p class="notice ok" role="status">${escapeHtml(t('agencyPage.approved', { at: m.approvedAt }))}</p><h2>${escapeHtml(t('agencyPage.answer'))}</h2><div class="answer">${paragraph(m.answer ?? '')}</div>`;
  } else {
    const previous = m.answeredAt ? `<p>${escapeHtml(t('agencyPage.previous', { at: m.answeredAt }))}</p>` : '';
    answer = `${previous}<form method="post" action="${escapeHtml(m.action)}">
<input type="hidden" name="formToken" value="${escapeHtml(m.formToken)}">
<label for="answer">${escapeHtml(t('agencyPage.answer'))}</label>
<textarea id="answer" name="answer" required maxlength="5000">${escapeHtml(m.answer ?? '')}</textarea>
<label for="answeredBy">${escapeHtml(t('agencyPage.answeredBy'))}</label>
<input type="text" id="answeredBy" name="answeredBy" maxlength="200" value="${escapeHtml(m.answeredBy ?? '')}">
<button type="submit">${escapeHtml(t('agencyPage.submit'))}</button>
</form>`;
  }
  return page(title, `<h1>${escapeHtml(title)}</h1>${notices}<p>${escapeHtml(t('agencyPage.intro', { agencyName: m.agencyName }))}</p>${facts}${question}${contact}${answer}`);
}

export function renderRefusal(t: CaseTexts, reason: string): string {
  const title = t('agencyPage.refused.title');
  return page(title, `<h1>${escapeHtml(title)}</h1><p class="notice error" role="alert">${escapeHtml(reason)}</p>`);
}
