/**
 * The document library for operators: official documents uploaded with their number, date, issuing body and title,
 * files kept under DATA_DIR/documents, text extracted and searchable with the bot's Vietnamese-aware retriever (over
 * passages of a few sentences, so a hit points at the part that answers).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isIsoDate } from '../kb/entryRules';
import { LiveIndex } from '../kb/liveIndex';
import { audit } from '../store/audit';
import type { Clock } from '../store/clock';
import type { Executor } from '../store/executor';
import { newId } from '../store/ids';
import { getValue, setValue } from '../store/kv';
import { detectKind, extractText, KIND_EXTENSIONS, type DocumentKind } from './documentFiles';
import { ContentError } from './messages';
import { rulesSnapshot } from './textRules';
import type { KbDocumentRow } from './schema';
import './schema';

export interface DocumentMeta {
  id: string;
  title: string;
  number: string;
  issuer: string;
  issuedOn: string;
  kind: DocumentKind;
  fileName: string;
  size: number;
  createdAt: string;
  createdBy: string | null;
}

export interface DocumentHit {
  document: DocumentMeta;
  score: number;
  /** The passages that matched best, in the document's words. */
  passages: string[];
}

export interface DocumentInput {
  title: unknown;
  number: unknown;
  issuer: unknown;
  issuedOn: unknown;
}

const text = (v: unknown) => (typeof v === 'string' ? v.normalize('NFC').trim() : '');
const metaOf = (r: KbDocumentRow): DocumentMeta => ({
  id: r.id,
  title: r.title,
  number: r.number,
  issuer: r.issuer,
  issuedOn: r.issued_on,
  kind: r.kind as DocumentKind,
  fileName: r.file_name,
  size: r.size,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/** Passages of about `words` words, cut between paragraphs, then sentences. */
export function passagesOf(body: string, words = 70): string[] {
  const pieces = body
    .split(/\n+/)
    .flatMap((p) => (p.split(/\s+/).length > words * 1.5 ? p.split(/(?<=[.;:!?])\s+/) : [p]))
    .map((p) => p.trim())
    .filter(Boolean);
  const out: string[] = [];
  let current: string[] = [];
  let count = 0;
  for (const piece of pieces) {
    const n = piece.split(/\s+/).length;
    if (count > 0 && count + n > words) {
      out.push(current.join('\n'));
      current = [];
      count = 0;
    }
    // A single over-long sentence is cut between words.
    if (n > words * 2) {
      const w = piece.split(/\s+/);
      for (let i = 0; i < w.length; i += words) out.push(w.slice(i, i + words).join(' '));
      continue;
    }
    current.push(piece);
    count += n;
  }
  if (current.length) out.push(current.join('\n'));
  return out;
}

export interface LibraryDeps {
  db: Executor;
  clock: Clock;
  dataDir: string;
  kbDir: string;
  maxBytes: number;
}

export class DocumentLibrary {
  private cached?: { key: string; index: Promise<{ index: LiveIndex; docs: Map<string, DocumentMeta>; passages: Map<string, string> }> };

  constructor(private readonly deps: LibraryDeps) {}

  get folder(): string {
    return path.join(this.deps.dataDir, 'documents');
  }

  /** Checks, extracts and stores an uploaded document; refuses with the reason and keeps nothing otherwise. */
  async upload(data: Buffer, fileName: string, input: DocumentInput, actorId: string): Promise<DocumentMeta> {
    const meta = { title: text(input.title), number: text(input.number), issuer: text(input.issuer), issuedOn: text(input.issuedOn) };
    const missing = [!meta.title && 'tiêu đề', !meta.number && 'số hiệu', !meta.issuer && 'cơ quan ban hành', !meta.issuedOn && 'ngày ban hành'].filter(Boolean);
    if (missing.length) throw new ContentError(422, 'missing', `Vui lòng điền ${missing.join(', ')}.`);
    if (!isIsoDate(meta.issuedOn)) throw new ContentError(422, 'invalid-date', 'Ngày ban hành không hợp lệ (dạng NĂM-THÁNG-NGÀY).');
    if (data.length > this.deps.maxBytes) throw new ContentError(413, 'too-large', `Tệp quá lớn: tối đa ${Math.round(this.deps.maxBytes / 1048576)} MB.`);
    const cleanName = path.basename(fileName.normalize('NFC')).replace(/[\u0000-\u001f"\\/]/g, '_').slice(0, 200) || 'van-ban';
    const kind = detectKind(data, cleanName);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const same = await this.deps.db.selectFrom('kb_documents').select(['title']).where('sha256', '=', sha256).where('removed_at', 'is', null).executeTakeFirst();
    if (same) throw new ContentError(409, 'duplicate', `Tệp này đã có trong thư viện: "${same.title}".`);
    const body = await extractText(kind, data);

    const id = newId();
    const at = this.deps.clock.now().toISOString();
    fs.mkdirSync(this.folder, { recursive: true });
    const file = path.join(this.folder, `${id}.${KIND_EXTENSIONS[kind]}`);
    await fs.promises.writeFile(file, data, { flag: 'wx' });
    try {
      await this.deps.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('kb_documents')
          .values({ id, title: meta.title, number: meta.number, issuer: meta.issuer, issued_on: meta.issuedOn, kind, file_name: cleanName, size: data.length, sha256, text: body, created_at: at, created_by: actorId, removed_at: null })
          .execute();
        await audit(tx, { actorId, action: 'kb.document.upload', targetType: 'kb_document', targetId: id, detail: { title: meta.title, number: meta.number, kind, size: data.length }, at });
        await setValue(tx, 'content_documents_revision', id, at);
      });
    } catch (err) {
      await fs.promises.unlink(file).catch(() => undefined);
      throw err;
    }
    return { id, ...meta, kind, fileName: cleanName, size: data.length, createdAt: at, createdBy: actorId };
  }

  async list(): Promise<DocumentMeta[]> {
    const rows = await this.deps.db.selectFrom('kb_documents').selectAll().where('removed_at', 'is', null).orderBy('issued_on', 'desc').orderBy('created_at', 'desc').execute();
    return rows.map(metaOf);
  }

  async get(id: string): Promise<DocumentMeta & { text: string }> {
    const row = await this.deps.db.selectFrom('kb_documents').selectAll().where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
    if (!row) throw new ContentError(404, 'not-found', 'Không tìm thấy văn bản.');
    return { ...metaOf(row), text: row.text };
  }

  /** The stored file to send back. */
  async file(id: string): Promise<{ path: string; fileName: string; kind: DocumentKind }> {
    const doc = await this.get(id);
    return { path: path.join(this.folder, `${doc.id}.${KIND_EXTENSIONS[doc.kind]}`), fileName: doc.fileName, kind: doc.kind };
  }

  async remove(id: string, actorId: string): Promise<void> {
    const doc = await this.get(id);
    const at = this.deps.clock.now().toISOString();
    await this.deps.db.transaction().execute(async (tx) => {
      await tx.updateTable('kb_documents').set({ removed_at: at }).where('id', '=', id).execute();
      await audit(tx, { actorId, action: 'kb.document.remove', targetType: 'kb_document', targetId: id, detail: { title: doc.title, number: doc.number }, at });
      await setValue(tx, 'content_documents_revision', `${id}-removed`, at);
    });
    await fs.promises.unlink(path.join(this.folder, `${id}.${KIND_EXTENSIONS[doc.kind]}`)).catch(() => undefined);
  }

  private async searchIndex() {
    const revision = (await getValue(this.deps.db, 'content_documents_revision')) ?? 'none';
    const rules = await this.deps.db.selectFrom('content_text_rules').select(['name', 'version']).execute();
    const key = `${revision}|${rules.map((r) => `${r.name}:${r.version}`).sort().join(',')}`;
    if (this.cached?.key !== key) {
      const building = (async () => {
        const rows = await this.deps.db.selectFrom('kb_documents').selectAll().where('removed_at', 'is', null).execute();
        const index = new LiveIndex({ rules: (await rulesSnapshot(this.deps.db, this.deps.kbDir)).compiled });
        const docs = new Map(rows.map((r) => [r.id, metaOf(r)]));
        const passages = new Map<string, string>();
        const indexDocs = rows.flatMap((r) =>
          passagesOf(r.text).map((p, i) => {
            const id = `${r.id}#${i}`;
            passages.set(id, p);
            return { id, topic: 'document', question: p, alternatives: [], keywords: [r.title, r.number, r.issuer], answer: '', source: { issuer: r.issuer, document: r.number, date: r.issued_on }, reviewedAt: r.issued_on };
          }),
        );
        await index.publish(indexDocs);
        return { index, docs, passages };
      })();
      this.cached = { key, index: building };
      building.catch(() => {
        if (this.cached?.index === building) this.cached = undefined;
      });
    }
    return this.cached.index;
  }

  /** Documents matching a question or words (no diacritics needed), best first, with their best passages. */
  async search(query: string, limit = 8): Promise<DocumentHit[]> {
    const q = query.trim().slice(0, 500);
    if (!q) return [];
    const { index, docs, passages } = await this.searchIndex();
    const result = index.search(q, 60);
    const hits = new Map<string, DocumentHit>();
    for (const m of result.matches) {
      if (m.score < 0.08) continue;
      const docId = m.id.slice(0, m.id.lastIndexOf('#'));
      const document = docs.get(docId);
      if (!document) continue;
      const hit = hits.get(docId);
      if (!hit) hits.set(docId, { document, score: m.score, passages: [passages.get(m.id)!] });
      else if (hit.passages.length < 2) hit.passages.push(passages.get(m.id)!);
    }
    return [...hits.values()].slice(0, limit).map((h) => ({ ...h, score: Math.round(h.score * 1000) / 1000 }));
  }
}
