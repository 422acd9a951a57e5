/** The fixed texts of cases (mail, agency page, messages to citizens and operators), read from templates.yaml. */
import path from 'node:path';
import { fill, loadTemplates } from '../kb/templates';

export type CaseTexts = (key: string, vars?: Record<string, string | number | undefined | null>) => string;

const REQUIRED = [
  'urgent.operatorAlert',
  'case.level.urgent', 'case.level.emergency', 'case.unknown', 'case.contact.hidden', 'case.contact.shared', 'case.mask.phone', 'case.mask.email',
  'case.mail.urgent.subject', 'case.mail.urgent.body', 'case.mail.update.subject', 'case.mail.update.body',
  'case.mail.escalation.subject', 'case.mail.escalation.body', 'case.mail.forward.subject', 'case.mail.forward.body',
  'case.mail.reminder.subject', 'case.mail.reminder.body', 'case.answer.toCitizen', 'case.internal.answered', 'case.internal.mailFailed',
  'agencyPage.title', 'agencyPage.intro', 'agencyPage.code', 'agencyPage.due', 'agencyPage.question', 'agencyPage.contact',
  'agencyPage.answer', 'agencyPage.answeredBy', 'agencyPage.submit', 'agencyPage.previous', 'agencyPage.thanks', 'agencyPage.approved',
  'agencyPage.error.empty', 'agencyPage.error.tooLong', 'agencyPage.refused.title', 'agencyPage.refused.invalid',
  'agencyPage.refused.expired', 'agencyPage.refused.revoked', 'agencyPage.refused.closed', 'agencyPage.refused.approved',
  'agencyPage.refused.form',
  'case.field.who', 'case.field.onset', 'case.field.district', 'case.field.commune', 'case.field.phone', 'case.field.address',
];

export function caseTextsFrom(templates: Record<string, unknown>): CaseTexts {
  const missing = REQUIRED.filter((k) => typeof templates[k] !== 'string');
  if (missing.length) throw new Error(`templates.yaml lacks the case texts: ${missing.join(', ')}`);
  return (key, vars) => {
    const t = templates[key];
    if (typeof t !== 'string') throw new Error(`unknown template ${key}`);
    // A null/undefined value counts as missing, so its {placeholder} stays visible (kb fill's rule).
    const given = Object.fromEntries(Object.entries(vars ?? {}).filter(([, v]) => v !== undefined && v !== null)) as Record<string, string | number>;
    return fill(t, given).normalize('NFC');
  };
}

/** Reads KB_DIR/templates.yaml once (start-up fails with a clear message when a case text is missing). */
export function loadCaseTexts(kbDir: string): CaseTexts {
  return caseTextsFrom(loadTemplates(path.join(kbDir, 'templates.yaml')));
}
