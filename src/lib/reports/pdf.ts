import { formatShortDate } from '$lib/format';
import type { Report, ReportBlock } from './report';

// Reports are drawn into a PDF on the device with jsPDF, so a report can be made with no network
// and its text stays real text (searchable, readable by screen readers and by tests). jsPDF and
// the font are loaded only when someone asks for a PDF.
//
// The font is a subset of DejaVu Sans (static/fonts, with its licence: Latin with its accents,
// punctuation, arrows, the minus sign and the ▲ ● ▼ symbols), embedded so the PDF says exactly
// what the screen says. The service worker keeps it, so a PDF made offline has it too.

/** The embedded font's three styles, as the bytes of TrueType files. */
export interface PdfFonts {
	normal: Uint8Array;
	bold: Uint8Array;
	italic: Uint8Array;
}

const FONT_FILES = {
	normal: 'DejaVuSans-subset.ttf',
	bold: 'DejaVuSans-Bold-subset.ttf',
	italic: 'DejaVuSans-Oblique-subset.ttf'
} as const;
const FAMILY = 'DejaVuSans';

/** Reads the font files from the app's own origin (or the service worker's cache). */
export async function loadPdfFonts(base: string): Promise<PdfFonts> {
	const read = async (file: string) => {
		const res = await fetch(`${base}/fonts/${file}`);
		if (!res.ok) throw new Error(`the font ${file} could not be read (${res.status})`);
		return new Uint8Array(await res.arrayBuffer());
	};
	const [normal, bold, italic] = await Promise.all([
		read(FONT_FILES.normal),
		read(FONT_FILES.bold),
		read(FONT_FILES.italic)
	]);
	return { normal, bold, italic };
}

/** jsPDF takes a font file as a "binary string", one character per byte. */
function binaryString(bytes: Uint8Array): string {
	let out = '';
	for (let i = 0; i < bytes.length; i += 0x8000)
		out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return out;
}

/**
 * Without the embedded font (it could not be read), the built-in fonts cover Windows-1252 only:
 * other characters are written as their nearest equivalent so that nothing comes out as a wrong
 * glyph (a minus sign as a hyphen, and so on).
 */
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const NEAREST: Record<string, string> = { '−': '-', '≥': '>=', '≤': '<=', '→': '->', '✓': '' };

export function pdfText(text: string, unicode = false): string {
	if (unicode) return text.normalize('NFC').replace(/\t/g, ' ');
	let out = '';
	for (const ch of text.normalize('NFC')) {
		const code = ch.codePointAt(0) ?? 0;
		if (ch === '\t') out += ' ';
		else if (code < 0x100 || WIN_ANSI_EXTRA.includes(ch)) out += ch;
		else out += NEAREST[ch] ?? '';
	}
	return out;
}

const MARGIN = 15;
const TOP = 24;
const PT = 0.3528; // mm in a point
const lineHeight = (size: number) => size * PT * 1.3;

type Doc = import('jspdf').jsPDF;

class Layout {
	y = TOP;
	readonly width: number;
	readonly bottom: number;
	readonly doc: Doc;
	readonly family: string;
	readonly unicode: boolean;

	constructor(doc: Doc, unicode: boolean) {
		this.doc = doc;
		this.unicode = unicode;
		this.family = unicode ? FAMILY : 'helvetica';
		this.width = doc.internal.pageSize.getWidth() - 2 * MARGIN;
		this.bottom = doc.internal.pageSize.getHeight() - 18;
	}

	/** Start a new page if `height` does not fit on this one. */
	room(height: number): void {
		if (this.y + height > this.bottom) {
			this.doc.addPage();
			this.y = TOP;
		}
	}

	lines(text: string, size: number, width: number, style = 'normal'): string[] {
		this.doc.setFont(this.family, style);
		this.doc.setFontSize(size);
		return this.doc.splitTextToSize(pdfText(text, this.unicode), width) as string[];
	}

	/** Wrapped text across the page width, moving to a new page between lines when needed. */
	text(text: string, size: number, style = 'normal', gapAfter = 2): void {
		for (const line of this.lines(text, size, this.width, style)) {
			this.room(lineHeight(size));
			this.doc.text(line, MARGIN, this.y, { baseline: 'top' });
			this.y += lineHeight(size);
		}
		this.y += gapAfter;
	}

	facts(items: [string, string][]): void {
		const labelWidth = Math.min(48, this.width * 0.3);
		for (const [label, value] of items) {
			const l = this.lines(label, 10, labelWidth - 3, 'bold');
			const v = this.lines(value, 10, this.width - labelWidth);
			const h = Math.max(l.length, v.length) * lineHeight(10) + 1.5;
			this.room(h);
			this.doc.setFont(this.family, 'bold');
			this.doc.text(l, MARGIN, this.y, { baseline: 'top', lineHeightFactor: 1.3 });
			this.doc.setFont(this.family, 'normal');
			this.doc.text(v, MARGIN + labelWidth, this.y, { baseline: 'top', lineHeightFactor: 1.3 });
			this.y += h;
		}
		this.y += 2;
	}

	/**
	 * Photos side by side, 55 mm wide, each with its words under it; a row never splits. jsPDF
	 * writes no text alternative for an image, so the words are read once, as printed.
	 */
	photos(block: Extract<ReportBlock, { kind: 'photos' }>): void {
		const width = 55;
		const gap = 5;
		const perRow = Math.max(1, Math.floor((this.width + gap) / (width + gap)));
		this.room(lineHeight(10) + 40);
		this.text(block.caption, 10, 'bold', 1);
		for (let i = 0; i < block.photos.length; i += perRow) {
			const row = block.photos.slice(i, i + perRow).map((p) => {
				const props = this.doc.getImageProperties(p.src);
				const height = (width * props.height) / props.width;
				return { p, height, caption: this.lines(p.words, 8, width) };
			});
			const h = Math.max(...row.map((r) => r.height + 1 + r.caption.length * lineHeight(8)));
			this.room(h);
			row.forEach((r, j) => {
				const x = MARGIN + j * (width + gap);
				this.doc.addImage(r.p.src, 'JPEG', x, this.y, width, r.height);
				this.doc.setFont(this.family, 'normal');
				this.doc.setFontSize(8);
				this.doc.text(r.caption, x, this.y + r.height + 1, {
					baseline: 'top',
					lineHeightFactor: 1.3
				});
			});
			this.y += h + 3;
		}
	}

	table(block: Extract<ReportBlock, { kind: 'table' }>): void {
		const total = block.widths.reduce((a, b) => a + b, 0);
		const widths = block.widths.map((w) => (w / total) * this.width);
		const size = 9;
		const pad = 1.5;
		const rowOf = (cells: string[], style: string) => {
			const wrapped = cells.map((c, i) => this.lines(c, size, widths[i]! - 2 * pad, style));
			return {
				wrapped,
				height: Math.max(...wrapped.map((w) => w.length)) * lineHeight(size) + 2 * pad
			};
		};
		const header = rowOf(block.columns, 'bold');
		const draw = (row: { wrapped: string[][]; height: number }, style: string, fill: boolean) => {
			let x = MARGIN;
			if (fill) {
				this.doc.setFillColor(235, 239, 242);
				this.doc.rect(MARGIN, this.y, this.width, row.height, 'F');
			}
			this.doc.setFont(this.family, style);
			this.doc.setFontSize(size);
			row.wrapped.forEach((lines, i) => {
				this.doc.text(lines, x + pad, this.y + pad, { baseline: 'top', lineHeightFactor: 1.3 });
				x += widths[i]!;
			});
			this.y += row.height;
			this.doc.setDrawColor(180, 188, 196);
			this.doc.line(MARGIN, this.y, MARGIN + this.width, this.y);
		};
		this.room(lineHeight(9) + header.height + 10);
		this.text(block.caption, 9, 'italic', 1);
		draw(header, 'bold', true);
		for (const cells of block.rows) {
			const row = rowOf(cells, 'normal');
			// A row is never split across pages; the column headings are repeated on the next page.
			if (this.y + row.height > this.bottom) {
				this.room(this.bottom);
				draw(header, 'bold', true);
			}
			draw(row, 'normal', false);
		}
		this.y += 4;
	}
}

/** Draws the report as an A4 PDF with the trust, the report, the term and the date on every page. */
export async function reportPdf(report: Report, fonts?: PdfFonts): Promise<ArrayBuffer> {
	const { jsPDF } = await import('jspdf');
	const doc = new jsPDF({
		orientation: report.landscape ? 'landscape' : 'portrait',
		unit: 'mm',
		format: 'a4',
		compress: true
	});
	if (fonts) {
		for (const style of ['normal', 'bold', 'italic'] as const) {
			doc.addFileToVFS(FONT_FILES[style], binaryString(fonts[style]));
			doc.addFont(FONT_FILES[style], FAMILY, style, undefined, 'Identity-H');
		}
	}
	const unicode = !!fonts;
	const text = (t: string) => pdfText(t, unicode);
	doc.setProperties({
		title: text(`${report.title}: ${report.subject}`),
		subject: text(report.termLabel),
		author: text(report.trustName),
		creator: 'SI visits'
	});
	doc.setTextColor(27, 31, 36);
	const page = new Layout(doc, unicode);
	page.text(report.title, 18, 'bold', 1);
	page.text(report.subject, 14, 'normal', 1);
	page.text(
		`${report.termLabel} · made on ${formatShortDate(report.generatedOn)}`,
		10,
		'normal',
		4
	);
	for (const section of report.sections) {
		page.room(lineHeight(13) + 3 * lineHeight(10));
		page.text(section.heading, 13, 'bold', 1.5);
		for (const block of section.blocks) {
			if (block.kind === 'subheading') {
				page.room(lineHeight(11) + 2 * lineHeight(10));
				page.text(block.text, 11, 'bold', 1);
			} else if (block.kind === 'paragraph') page.text(block.text, 10);
			else if (block.kind === 'facts') page.facts(block.items);
			else if (block.kind === 'photos') page.photos(block);
			else page.table(block);
		}
		page.y += 2;
	}

	const pages = doc.getNumberOfPages();
	const width = doc.internal.pageSize.getWidth();
	const height = doc.internal.pageSize.getHeight();
	for (let i = 1; i <= pages; i++) {
		doc.setPage(i);
		doc.setFont(page.family, 'normal');
		doc.setFontSize(8.5);
		doc.setTextColor(74, 85, 96);
		doc.text(text(`${report.trustName} · ${report.title}`), MARGIN, 10, { baseline: 'top' });
		doc.text(text(report.termLabel), width - MARGIN, 10, { baseline: 'top', align: 'right' });
		doc.setDrawColor(180, 188, 196);
		doc.line(MARGIN, 15, width - MARGIN, 15);
		const footY = height - 12;
		doc.text(
			text(`${report.subject} · made on ${formatShortDate(report.generatedOn)}`),
			MARGIN,
			footY,
			{ baseline: 'top' }
		);
		doc.text(`Page ${i} of ${pages}`, width - MARGIN, footY, { baseline: 'top', align: 'right' });
	}
	return doc.output('arraybuffer');
}

/**
 * Make the PDF and hand it to the browser as a download. `base` is the app's base path, where
 * the font files are served.
 */
export async function downloadPdf(report: Report, base: string): Promise<void> {
	// A PDF with the built-in font (a hyphen for a minus sign) is better than none at all.
	const fonts = await loadPdfFonts(base).catch((err: unknown) => {
		console.warn('The PDF font could not be read; using the built-in one.', err);
		return undefined;
	});
	const bytes = await reportPdf(report, fonts);
	const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
	const a = document.createElement('a');
	a.href = url;
	a.download = `${report.fileName}.pdf`;
	document.body.append(a);
	a.click();
	a.remove();
	// Give the browser time to start the download before the address is released.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
