/**
 * Document files: the type comes from the content (magic bytes), checked against the name; text is extracted from
 * real PDF (with Vietnamese text), DOCX and plain-text files; broken or text-less files are refused with the reason.
 */
import fs from 'node:fs';
import JSZip from 'jszip';
import PDFDocument from 'pdfkit';
import { detectKind, extractText } from '../../src/content/documentFiles';
import { passagesOf } from '../../src/content/documents';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const VIETNAMESE = 'Người cách ly tại nhà phải ở riêng một phòng, đeo khẩu trang và đo thân nhiệt hằng ngày.';

function pdf(draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    draw(doc);
    doc.end();
  });
}

async function docx(text: string): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');
  zip.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`);
  return zip.generateAsync({ type: 'nodebuffer' });
}

describe('document files', () => {
  it('decides the type by content and refuses a name that lies', async () => {
    const p = await pdf((d) => d.text('Quyet dinh ve cach ly y te tai nha'));
    expect(detectKind(p, 'qd.pdf')).toBe('pdf');
    expect(detectKind(await docx('Công văn'), 'cv.docx')).toBe('docx');
    expect(detectKind(Buffer.from('Thông báo về tiêm chủng', 'utf8'), 'tb.txt')).toBe('txt');
    expect(detectKind(Buffer.from('Thông báo', 'utf8'), 'khong-duoi')).toBe('txt');
    expect(() => detectKind(p, 'qd.docx')).toThrow('Tệp có đuôi .docx nhưng nội dung là PDF.');
    expect(() => detectKind(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), 'cu.doc')).toThrow(/Word cũ \(\.doc\)/);
    expect(() => detectKind(Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0xff, 0xfe, 0x00, 0x00]), 'virus.pdf')).toThrow(/Chỉ nhận tệp PDF, Word/);
    expect(() => detectKind(Buffer.from('PK\u0003\u0004xl/workbook.xml'), 'bang.docx')).toThrow('Tệp nén không phải tài liệu Word (DOCX).');
    expect(() => detectKind(Buffer.from('abc'), 'anh.png')).toThrow('Đuôi tệp .png không được hỗ trợ: chỉ nhận .pdf, .docx, .txt.');
    expect(() => detectKind(Buffer.alloc(0), 'rong.txt')).toThrow('Tệp rỗng.');
  });

  it('extracts Vietnamese text from a PDF with an embedded font', async () => {
    const p = await pdf((d) => d.font(FONT).fontSize(12).text(VIETNAMESE));
    const text = await extractText('pdf', p);
    expect(text.replace(/\s+/g, ' ')).toBe(VIETNAMESE); // the PDF wraps the line
  }, 20_000);

  it('extracts text from DOCX and UTF-8 / UTF-16 plain text', async () => {
    expect(await extractText('docx', await docx(VIETNAMESE))).toBe(VIETNAMESE);
    expect(await extractText('txt', Buffer.from(`\uFEFF${VIETNAMESE}\r\n\r\n\r\nDòng hai.`, 'utf8'))).toBe(`${VIETNAMESE}\n\nDòng hai.`);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VIETNAMESE, 'utf16le')]);
    expect(await extractText('txt', utf16)).toBe(VIETNAMESE);
    // Decomposed marks (typed with some keyboards) come out composed (NFC).
    expect(await extractText('txt', Buffer.from(VIETNAMESE.normalize('NFD'), 'utf8'))).toBe(VIETNAMESE);
  });

  it('refuses damaged files and files without text, with the reason', async () => {
    await expect(extractText('pdf', Buffer.from('%PDF-1.7\n%%EOF'))).rejects.toThrow(/Tệp PDF bị hỏng hoặc không đọc được/);
    await expect(extractText('docx', Buffer.from('PK\u0003\u0004word/document.xml hỏng'))).rejects.toThrow(/Tệp Word \(DOCX\) bị hỏng/);
    const scan = await pdf((d) => d.rect(50, 50, 200, 100).fill('#333'));
    await expect(extractText('pdf', scan)).rejects.toThrow(/có thể là bản scan/);
    await expect(extractText('txt', Buffer.from([0x41, 0xc3, 0x28]))).rejects.toThrow(/UTF-8/);
  }, 20_000);

  it('cuts a document into passages of a few sentences for search', () => {
    const body = Array.from({ length: 12 }, (_, i) => `Điều ${i + 1}. ${'Người dân thực hiện nghiêm các biện pháp phòng dịch. '.repeat(3)}`).join('\n');
    const passages = passagesOf(body, 70);
    expect(passages.length).toBeGreaterThan(3);
    expect(passages.every((p) => p.split(/\s+/).length <= 140)).toBe(true);
    expect(passages.join('\n').replace(/\s+/g, ' ')).toBe(body.replace(/\s+/g, ' ').trim());
  });

  it('has the font this test needs', () => {
    expect(fs.existsSync(FONT)).toBe(true);
  });
});
