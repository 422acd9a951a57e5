/** Cases: urgent reports routed to a health agency, and questions forwarded to a competent agency. */
import type { CaseDetails, ChannelName, UrgencyLevel } from '../domain/types';
import { parseJson } from '../store/ids';
import type { CaseRow } from '../store/schema';
import './schema';

export type CaseKind = 'urgent' | 'forward';
/**
 * urgent: open (waiting for details, at most CASE_NOTIFY_AFTER_MINUTES) → notified → acknowledged → closed.
 * forward: forwarded → answered (by the agency) → approved (sent to the citizen); closed when cancelled.
 */
export type CaseStatus = 'open' | 'notified' | 'acknowledged' | 'forwarded' | 'answered' | 'approved' | 'closed';

export type { CaseDetails };
export const DETAIL_FIELDS = ['who', 'onset', 'district', 'commune', 'phone', 'address'] as const;

export interface Case {
  id: string;
  code: string;
  kind: CaseKind;
  conversationId: string | null;
  contactId: string | null;
  channel: ChannelName | null;
  level: UrgencyLevel;
  status: CaseStatus;
  agencyId: string | null;
  districtId: string | null;
  symptoms: string[];
  details: CaseDetails;
  question: string | null;
  answer: string | null;
  /** urgent: the acknowledgement deadline (SLA); forward: the answer's due date. */
  dueAt: string | null;
  notifyDueAt: string | null;
  notifiedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  escalatedAt: string | null;
  remindedAt: string | null;
  createdBy: string | null;
  shareContact: boolean;
  answeredAt: string | null;
  answeredBy: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export function toCase(r: CaseRow): Case {
  return {
    id: r.id,
    code: r.code ?? r.id.slice(-8).toUpperCase(),
    kind: r.kind as CaseKind,
    conversationId: r.conversation_id,
    contactId: r.contact_id,
    channel: r.channel as ChannelName | null,
    level: r.level as UrgencyLevel,
    status: r.status as CaseStatus,
    agencyId: r.agency_id,
    districtId: r.district_id,
    symptoms: parseJson<string[]>(r.symptoms, []),
    details: parseJson<CaseDetails>(r.details, {}),
    question: r.question,
    answer: r.answer,
    dueAt: r.due_at,
    notifyDueAt: r.notify_due_at,
    notifiedAt: r.notified_at,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    escalatedAt: r.escalated_at,
    remindedAt: r.reminded_at,
    createdBy: r.created_by,
    shareContact: r.share_contact === 1,
    answeredAt: r.answered_at,
    answeredBy: r.answered_by,
    approvedAt: r.approved_at,
    approvedBy: r.approved_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
  };
}

/** A timeline entry: who (system, citizen, user:<id>, agency:<id>), when, what. */
export interface CaseEvent {
  id: string;
  caseId: string;
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export const isOpen = (c: Pick<Case, 'closedAt'>): boolean => !c.closedAt;

/** Merges details: `over` wins where it has a non-empty value. */
export function mergeDetails(base: CaseDetails, over: Record<string, string | undefined>, onlyMissing = false): CaseDetails {
  const out: CaseDetails = { ...base };
  for (const field of DETAIL_FIELDS) {
    const value = over[field]?.trim();
    if (!value) continue;
    if (onlyMissing && out[field]) continue;
    out[field] = value;
  }
  return out;
}

export function changedFields(before: CaseDetails, after: CaseDetails): string[] {
  return DETAIL_FIELDS.filter((f) => (before[f] ?? '') !== (after[f] ?? ''));
}
