/**
 * Email threads: one thread = one conversation, keyed by the thread's root Message-ID.
 * Our own reply ids carry the root (base64url) so a client that sends only In-Reply-To, without References,
 * still lands in the same conversation.
 */

const OWN_ID = /^<h1022\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)@[^>]+>$/;

/** `<id>` with angle brackets, whitespace removed; undefined for an empty value. */
export function normalizeId(id: string | undefined | null): string | undefined {
  const trimmed = (id ?? '').trim();
  if (!trimmed) return undefined;
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

/** mailparser gives References as a string (one id) or an array (several); ids may also be space-separated. */
export function normalizeReferences(refs: string | string[] | undefined | null): string[] {
  const list = Array.isArray(refs) ? refs : refs ? [refs] : [];
  return list
    .flatMap((r) => r.split(/\s+/))
    .map(normalizeId)
    .filter((r): r is string => !!r);
}

/** A Message-ID for a reply we send: unique per outbox row (a resend keeps it), carrying the thread root. */
export function ownMessageId(root: string, outboxId: string, domain: string): string {
  const safeOutbox = outboxId.replace(/[^A-Za-z0-9_-]/g, '');
  return `<h1022.${safeOutbox}.${Buffer.from(root, 'utf8').toString('base64url')}@${domain}>`;
}

/** The thread root carried in one of our reply ids, or undefined for any other id. */
export function rootFromOwnId(id: string): string | undefined {
  const match = OWN_ID.exec(id);
  if (!match) return undefined;
  const decoded = Buffer.from(match[2], 'base64url').toString('utf8');
  return decoded.startsWith('<') && decoded.endsWith('>') ? decoded : undefined;
}

/** The root of the thread a mail belongs to: the first References id, else In-Reply-To, else its own id. */
export function threadRoot(messageId: string, inReplyTo: string | undefined, references: string[]): string {
  const candidate = references[0] ?? inReplyTo ?? messageId;
  return rootFromOwnId(candidate) ?? candidate;
}

/** References of a reply to `parent`: the parent's References (or In-Reply-To) and the parent's id; at most 20 ids. */
export function replyReferences(parentId: string | undefined, parentRefs: string[], root: string): string[] {
  const chain = [...(parentRefs.length ? parentRefs : [root]), ...(parentId ? [parentId] : [])];
  const unique = [...new Set(chain)];
  // Keep the root and the most recent ids: some servers refuse very long header lines.
  return unique.length > 20 ? [unique[0], ...unique.slice(-19)] : unique;
}
