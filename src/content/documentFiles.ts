/**
 * Official documents as uploaded files: the type is decided by the content (magic bytes), never by the name alone,
 * and the text is extracted (PDF: pdf-parse 2 in a worker thread, DOCX: mammoth, plain text: UTF-8 or UTF-16 with
 * BOM). A file that is
 * not what it claims, is damaged, or has no readable text is refused with the reason.
 */
import { Worker } from 'node:worker_threads';
import mammoth from 'mammoth';
import { ContentError } from './messages';

export type DocumentKind = 'pdf' | 'docx' | 'txt';

export const KIND_EXTENSIONS: Record<DocumentKind, string> = { pdf: 'pdf', docx: 'docx', txt: 'txt' };
const NAMES: Record<DocumentKind, string> = { pdf: 'PDF', docx: 'Word (DOCX)', txt: 'văn bản thuần (TXT)' };

const refuse = (message: string) => new ContentError(422, 'bad-file', message);

function startsWith(data: Buffer, bytes: number[]): boolean {
  return data.length >= bytes.length && bytes.every((b, i) => data[i] === b);
}

/** What the bytes are, checked against the file's extension. */
export function detectKind(data: Buffer, fileName: string): DocumentKind {
  if (data.length === 0) throw refuse('Tệp rỗng.');
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  let kind: DocumentKind;
  if (startsWith(data, [0x25, 0x50, 0x44, 0x46, 0x2d])) kind = 'pdf'; // %PDF-
  else if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) {
    // A ZIP: a Word document holds word/document.xml (names are stored in clear in the local headers).
    if (!data.includes('word/document.xml') && !data.includes('[Content_Types].xml')) throw refuse('Tệp nén không phải tài liệu Word (DOCX).');
    kind = 'docx';
  } else if (startsWith(data, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw refuse('Định dạng Word cũ (.doc) chưa được hỗ trợ: vui lòng lưu lại thành .docx hoặc PDF.');
  } else if (looksLikeText(data)) kind = 'txt';
  else throw refuse('Chỉ nhận tệp PDF, Word (DOCX) hoặc văn bản thuần (TXT); nội dung tệp này không thuộc loại nào trong số đó.');
  const expected: Record<string, DocumentKind> = { pdf: 'pdf', docx: 'docx', txt: 'txt', text: 'txt' };
  if (ext && expected[ext] === undefined) throw refuse(`Đuôi tệp .${ext} không được hỗ trợ: chỉ nhận .pdf, .docx, .txt.`);
  if (ext && expected[ext] !== kind) throw refuse(`Tệp có đuôi .${ext} nhưng nội dung là ${NAMES[kind]}.`);
  return kind;
}

function looksLikeText(data: Buffer): boolean {
  if (startsWith(data, [0xff, 0xfe]) || startsWith(data, [0xfe, 0xff])) return true;
  return !data.subarray(0, 8192).includes(0) && decodeUtf8(data) !== undefined;
}

function decodeUtf8(data: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

function decodeText(data: Buffer): string {
  if (startsWith(data, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (startsWith(data, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(data.subarray(2));
  const text = decodeUtf8(data);
  if (text === undefined) throw refuse('Tệp văn bản phải dùng bảng mã UTF-8 (hoặc UTF-16 có BOM).');
  return text.replace(/^\uFEFF/, '');
}

/** Paragraphs kept, runs of spaces collapsed, NFC. */
export function cleanExtracted(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/^-- \d+ of \d+ --$/gm, '') // pdf-parse page markers
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(refuse(`Đọc tệp ${what} quá lâu (quá ${Math.round(ms / 1000)} giây): tệp có thể bị hỏng.`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// pdf.js parses in a worker thread: a large or hostile PDF neither blocks the bot's event loop nor outlives its
// timeout (the thread is terminated), and pdf.js can load its ES-module worker there whatever loaded this file.
const PDF_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { PDFParse } = require(${JSON.stringify(require.resolve('pdf-parse'))});
(async () => {
  const parser = new PDFParse({ data: workerData });
  try {
    const result = await parser.getText();
    parentPort.postMessage({ ok: true, text: result.text });
  } catch (err) {
    parentPort.postMessage({ ok: false, reason: String((err && err.message) || err) });
  } finally {
    await parser.destroy().catch(() => undefined);
  }
})();
`;

function pdfText(data: Buffer, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(PDF_WORKER, { eval: true, workerData: new Uint8Array(data), resourceLimits: { maxOldGenerationSizeMb: 512 } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(refuse(`Đọc tệp PDF quá lâu (quá ${Math.round(timeoutMs / 1000)} giây): tệp có thể bị hỏng.`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      void worker.terminate();
    };
    worker.once('message', (m: { ok: boolean; text?: string; reason?: string }) => {
      done();
      if (m.ok) resolve(m.text ?? '');
      else reject(new Error(m.reason));
    });
    worker.once('error', (err) => {
      done();
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`pdf worker stopped (${code})`));
    });
  });
}

/** The document's text; refuses a damaged file or one without text (a scan). */
export async function extractText(kind: DocumentKind, data: Buffer, timeoutMs = 30_000): Promise<string> {
  let raw: string;
  try {
    if (kind === 'pdf') raw = await pdfText(data, timeoutMs);
    else if (kind === 'docx') raw = (await withTimeout(mammoth.extractRawText({ buffer: data }), timeoutMs, 'Word')).value;
    else raw = decodeText(data);
  } catch (err) {
    if (err instanceof ContentError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw refuse(`Tệp ${NAMES[kind]} bị hỏng hoặc không đọc được (${reason}).`);
  }
  const text = cleanExtracted(raw);
  if (text.replace(/\s/g, '').length < 20) {
    throw refuse(kind === 'pdf' ? 'Không lấy được chữ từ tệp PDF (có thể là bản scan ảnh): vui lòng tải lên bản có chữ hoặc bản Word.' : 'Tệp gần như không có nội dung chữ.');
  }
  return text;
}
