import {
	cellKey,
	comparatorKey,
	fieldRange,
	figureProblem,
	wrongFieldProblem,
	type AttainmentBooklet,
	type AttainmentCell,
	type AttainmentFramework,
	type AttainmentMeasure,
	type FigureField
} from './attainment-schema.ts';

// CSV import and export of a booklet, and the text parsing shared with the grid's paste. An
// import is all or nothing: any bad cell and the booklet is returned unchanged, with every
// problem named by row and column as the person sees them in their spreadsheet.

/** One bad cell, in the person's terms. `gridRow`/`gridColumn` (0-based) are set for the grid. */
export type EntryError = {
	/** 1-based: the file's row (the headings are row 1) or the grid's row. */
	row: number;
	/** The column's heading. */
	column: string;
	/** What the row is: "KS2 reading: expected standard, Disadvantaged, End of year". */
	rowLabel: string;
	message: string;
	gridRow?: number;
	gridColumn?: number;
};

/** The result of an import or an edit: a new booklet, or every error and nothing changed. */
export type EntryOutcome =
	{ ok: true; booklet: AttainmentBooklet } | { ok: false; errors: EntryError[] };

/** "Row 4 (KS2 reading, Disadvantaged), column "Cohort": "twelve" is not a whole number". */
export function entryMessage(row: number, rowLabel: string, column: string, problem: string) {
	const where = rowLabel ? `Row ${row} (${rowLabel})` : `Row ${row}`;
	return `${where}, column "${column}": ${problem}`;
}

export function entryError(
	row: number,
	rowLabel: string,
	column: string,
	problem: string,
	extra: Pick<EntryError, 'gridRow' | 'gridColumn'> = {}
): EntryError {
	return { row, column, rowLabel, message: entryMessage(row, rowLabel, column, problem), ...extra };
}

// ---------------------------------------------------------------------------------------------
// Typed figures

export type ParsedFigure = { ok: true; value: number | undefined } | { ok: false; problem: string };

/**
 * A figure typed or pasted into a field: blank clears it. Accepts what spreadsheets produce:
 * surrounding spaces, "1,234", and "95.2%" where the figure is a percentage.
 */
export function parseFigure(
	measure: AttainmentMeasure,
	field: FigureField,
	raw: string
): ParsedFigure {
	const shown = raw.trim();
	if (shown === '') return { ok: true, value: undefined };
	const wrong = wrongFieldProblem(measure, field);
	if (wrong) return { ok: false, problem: `"${shown}" ${wrong}` };
	const range = fieldRange(measure, field);
	let t = shown.replace(/^[−–]/, '-');
	if (range.percent) t = t.replace(/\s*%$/, '');
	if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
	if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(t)) {
		return {
			ok: false,
			problem: `"${shown}" is not a ${range.whole ? 'whole ' : ''}number`
		};
	}
	const n = Number(t);
	const problem = figureProblem(measure, field, n);
	return problem ? { ok: false, problem: `"${shown}" ${problem}` } : { ok: true, value: n };
}

// ---------------------------------------------------------------------------------------------
// Delimited text (RFC 4180), for CSV files and for the clipboard of spreadsheets (tabs)

/** Rows of fields; `unclosedQuoteRow` (1-based) when a quoted field never ends. */
export type DelimitedText = { rows: string[][]; unclosedQuoteRow?: number };

/**
 * Splits delimited text into rows of fields: quoted fields may hold the delimiter, line breaks and
 * doubled quotes; lines end in CRLF or LF; a byte order mark and one final line break are
 * dropped. Like spreadsheets, a quote inside an unquoted field is kept as it is.
 */
export function parseDelimited(text: string, delimiter: ',' | '\t'): DelimitedText {
	const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let i = 0;
	// True once the current field has begun, so that a final `""` still makes a row.
	let started = false;
	const endRow = () => {
		row.push(field);
		rows.push(row);
		row = [];
		field = '';
		started = false;
	};
	while (i < src.length) {
		const ch = src[i]!;
		if (ch === '"' && field === '' && !started) {
			// A quoted field: read to the closing quote, keeping doubled quotes as one.
			const quotedFrom = rows.length + 1;
			let j = i + 1;
			let closed = false;
			while (j < src.length) {
				if (src[j] === '"') {
					if (src[j + 1] === '"') {
						field += '"';
						j += 2;
						continue;
					}
					closed = true;
					j += 1;
					break;
				}
				field += src[j];
				j += 1;
			}
			if (!closed) return { rows, unclosedQuoteRow: quotedFrom };
			started = true;
			i = j;
			continue;
		}
		if (ch === delimiter) {
			row.push(field);
			field = '';
			started = false;
			i += 1;
		} else if (ch === '\r' || ch === '\n') {
			endRow();
			i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
		} else {
			field += ch;
			i += 1;
		}
	}
	// The last line: text after the final line break, if any, is a row of its own.
	if (started || field !== '' || row.length > 0) endRow();
	return { rows };
}

/** Quotes a field when it needs it (RFC 4180). */
function quoteField(value: string, delimiter: string): string {
	return value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim()
		? `"${value.replace(/"/g, '""')}"`
		: value;
}

/**
 * Spreadsheets run text starting with = + - @ as a formula; a leading apostrophe keeps it text.
 * Only labels are guarded (figures are numbers), and the import drops the apostrophe again.
 */
const guardText = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
const unguardText = (s: string) => s.replace(/^'/, '');

/** Rows of fields as delimited text, with CRLF line ends. */
export function formatDelimited(rows: string[][], delimiter: ',' | '\t'): string {
	return rows.map((r) => r.map((f) => quoteField(f, delimiter)).join(delimiter)).join('\r\n');
}

// ---------------------------------------------------------------------------------------------
// CSV of a booklet

/** The headings of the booklet's CSV, in order. */
export const CSV_HEADINGS = {
	section: 'Section',
	measure: 'Measure',
	group: 'Group',
	point: 'Assessment point',
	cohort: 'Cohort',
	count: 'Number meeting',
	value: 'Value',
	national: 'National'
} as const;
type CsvColumn = keyof typeof CSV_HEADINGS;

/** Other headings people may use; matched without regard to case or spacing. */
const HEADING_ALIASES: Record<CsvColumn, string[]> = {
	section: ['key stage'],
	measure: ['measure id'],
	group: ['pupil group', 'group id'],
	point: ['point', 'point id'],
	cohort: ['cohort size', 'number in cohort'],
	count: ['number meeting the standard', 'count'],
	value: ['score', 'rate'],
	national: ['national comparator', 'national figure']
};

const normalise = (s: string) => unguardText(s.trim()).replace(/\s+/g, ' ').toLowerCase();

const numberText = (n: number | undefined) => (n === undefined ? '' : String(n));

/**
 * The booklet as CSV: a heading row, then one row per measure × group × point of the framework
 * (empty figures as empty fields, so an empty booklet exports as a template to fill in). The
 * national figure of a measure and group is repeated on each of its rows. Starts with a byte
 * order mark so that Excel reads the labels as UTF-8.
 */
export function exportBookletCsv(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	options: { bom?: boolean } = {}
): string {
	const sections = new Map(framework.sections.map((s) => [s.id, s.label]));
	const rows: string[][] = [Object.values(CSV_HEADINGS)];
	for (const m of framework.measures) {
		for (const g of framework.groups) {
			const national = booklet.nationals[comparatorKey(m.id, g.id)];
			for (const p of framework.points) {
				const cell = booklet.cells[cellKey(m.id, g.id, p.id)] ?? {};
				rows.push([
					guardText(sections.get(m.sectionId) ?? m.sectionId),
					guardText(m.label),
					guardText(g.label),
					guardText(p.label),
					numberText(cell.cohort),
					numberText(cell.count),
					numberText(cell.value),
					numberText(national)
				]);
			}
		}
	}
	return (options.bom === false ? '' : '\uFEFF') + formatDelimited(rows, ',') + '\r\n';
}

/** Finds things by label or id, ignoring case and spacing. */
function lookup<T extends { id: string; label: string }>(items: T[]): (s: string) => T | undefined {
	const map = new Map<string, T>();
	for (const item of items) map.set(normalise(item.id), item);
	for (const item of items) map.set(normalise(item.label), item);
	return (s) => map.get(normalise(s));
}

/**
 * Reads a booklet's CSV into a copy of `booklet`. Rows are matched by the labels (or ids) of
 * measure, group and assessment point; each row in the file sets that cell (an empty field
 * clears the figure) and cells not in the file are kept. Returns every problem and no booklet
 * when anything is wrong.
 */
export function importBookletCsv(
	text: string,
	booklet: AttainmentBooklet,
	framework: AttainmentFramework
): EntryOutcome {
	const parsed = parseDelimited(text, ',');
	const errors: EntryError[] = [];
	if (parsed.unclosedQuoteRow !== undefined) {
		const r = parsed.unclosedQuoteRow;
		const message = `Row ${r}: a quoted value starts here but its closing quote is missing`;
		return { ok: false, errors: [{ row: r, column: '', rowLabel: '', message }] };
	}
	const [headings, ...body] = parsed.rows;
	if (!headings || headings.every((h) => h.trim() === '')) {
		const message = 'The file is empty: it needs a row of headings and a row per figure';
		return { ok: false, errors: [{ row: 1, column: '', rowLabel: '', message }] };
	}

	// Which column holds what.
	const index: Partial<Record<CsvColumn, number>> = {};
	headings.forEach((h, i) => {
		const name = normalise(h);
		for (const col of Object.keys(CSV_HEADINGS) as CsvColumn[]) {
			const names = [normalise(CSV_HEADINGS[col]), ...HEADING_ALIASES[col]];
			if (index[col] === undefined && names.includes(name)) index[col] = i;
		}
	});
	const required: CsvColumn[] = ['measure', 'group', 'point', 'cohort', 'count', 'value'];
	for (const col of required) {
		if (index[col] === undefined) {
			const message = `Row 1 (headings): there is no column "${CSV_HEADINGS[col]}"`;
			errors.push({ row: 1, column: CSV_HEADINGS[col], rowLabel: 'headings', message });
		}
	}
	if (errors.length) return { ok: false, errors };

	const findMeasure = lookup(framework.measures);
	const findGroup = lookup(framework.groups);
	const findPoint = lookup(framework.points);
	const cells = { ...booklet.cells };
	const nationals = { ...booklet.nationals };
	const seenCells = new Map<string, number>();
	const seenNationals = new Map<string, { value: number | undefined; row: number }>();

	body.forEach((fields, i) => {
		const row = i + 2;
		if (fields.every((f) => f.trim() === '')) return;
		const get = (col: CsvColumn) => {
			const at = index[col];
			return at === undefined ? '' : (fields[at] ?? '');
		};
		const measure = findMeasure(get('measure'));
		const group = findGroup(get('group'));
		const point = findPoint(get('point'));
		const rowLabel = [
			measure?.label ?? unguardText(get('measure').trim()),
			group?.label ?? unguardText(get('group').trim()),
			point?.label ?? unguardText(get('point').trim())
		]
			.filter(Boolean)
			.join(', ');
		const fail = (col: CsvColumn, problem: string) =>
			errors.push(entryError(row, rowLabel, CSV_HEADINGS[col], problem));
		const unknown = (col: CsvColumn, what: string) => {
			const v = unguardText(get(col).trim());
			fail(
				col,
				v ? `"${v}" is not ${what} in the trust’s booklet` : `the cell is empty: name ${what}`
			);
		};
		if (!measure) unknown('measure', 'a measure');
		if (!group) unknown('group', 'a pupil group');
		if (!point) unknown('point', 'an assessment point');
		if (!measure || !group || !point) return;

		const key = cellKey(measure.id, group.id, point.id);
		const earlier = seenCells.get(key);
		if (earlier !== undefined) {
			fail('point', `this measure, group and point is already on row ${earlier}`);
			return;
		}
		seenCells.set(key, row);

		const figure = (col: 'cohort' | 'count' | 'value' | 'national'): number | undefined => {
			const p = parseFigure(measure, col, get(col));
			if (p.ok) return p.value;
			fail(col, p.problem);
			return undefined;
		};
		const cohort = figure('cohort');
		const count = figure('count');
		const value = figure('value');
		if (count !== undefined && cohort !== undefined && count > cohort) {
			fail('count', `"${get('count').trim()}" is more than the cohort of ${cohort}`);
		}
		const cell: AttainmentCell = {};
		if (cohort !== undefined) cell.cohort = cohort;
		if (count !== undefined) cell.count = count;
		if (value !== undefined) cell.value = value;
		if (Object.keys(cell).length) cells[key] = cell;
		else delete cells[key];

		if (index.national === undefined) return;
		const national = figure('national');
		const nKey = comparatorKey(measure.id, group.id);
		const before = seenNationals.get(nKey);
		if (before?.value !== undefined && national !== undefined && before.value !== national) {
			fail(
				'national',
				`${national} differs from ${before.value} on row ${before.row}: a measure and group has one national figure`
			);
		} else if (before?.value === undefined) {
			seenNationals.set(nKey, { value: national, row });
		}
	});
	if (errors.length) return { ok: false, errors };

	// A measure and group whose rows all leave "National" empty has its national figure cleared.
	for (const [key, { value }] of seenNationals) {
		if (value === undefined) delete nationals[key];
		else nationals[key] = value;
	}
	return { ok: true, booklet: { ...booklet, cells, nationals } };
}
