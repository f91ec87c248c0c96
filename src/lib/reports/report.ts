/**
 * A report as plain content: the printable page and the PDF are both drawn from the same one, so
 * what governors read on paper and in the PDF is the same text.
 */
export type ReportBlock =
	| { kind: 'subheading'; text: string }
	| { kind: 'paragraph'; text: string }
	/** Label and value pairs, such as "Category: 3, requires improvement". */
	| { kind: 'facts'; items: [string, string][] }
	/** `widths` are relative column widths; every row has one cell per column. */
	| { kind: 'table'; caption: string; columns: string[]; widths: number[]; rows: string[][] }
	/** Photos chosen for the report (learning-walk photos of pupils' work), as JPEG data URLs. */
	| { kind: 'photos'; caption: string; photos: ReportPhoto[] };

export interface ReportPhoto {
	/** A `data:image/jpeg;base64,…` URL: the PDF embeds it and the page shows it, offline. */
	src: string;
	/**
	 * The image's text alternative: its number only ("Pupils’ work, room 1, photo 1"). The words
	 * printed under it name the figure, so a screen reader does not read the visitor's words twice.
	 */
	alt: string;
	/** Printed under the photo: where it was taken and what it shows. */
	words: string;
}

export interface ReportSection {
	heading: string;
	blocks: ReportBlock[];
}

export interface Report {
	/** What the report is, e.g. "Summary of school improvement visits". */
	title: string;
	/** Who it is about: a school's name, or the trust's. */
	subject: string;
	trustName: string;
	/** e.g. "Autumn 2 (term 2), 2026-27". */
	termLabel: string;
	/** ISO date the report was made on; shown in en-GB. */
	generatedOn: string;
	/** Wide tables (the board pack) are laid out on landscape pages. */
	landscape: boolean;
	/** A file name without extension, e.g. "st-aidans-governors-2026-27-t2". */
	fileName: string;
	sections: ReportSection[];
}
