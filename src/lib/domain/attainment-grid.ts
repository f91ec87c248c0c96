import {
	cellKey,
	comparatorKey,
	type AttainmentBooklet,
	type AttainmentCell,
	type AttainmentFramework,
	type AttainmentMeasure
} from './attainment-schema.ts';
import {
	entryError,
	formatDelimited,
	parseDelimited,
	parseFigure,
	type EntryError,
	type EntryOutcome
} from './attainment-csv.ts';

// The booklet as a grid that moves like a spreadsheet: a row per measure and group, and for each
// assessment point a cohort column and a figure column (the number meeting the standard for a
// percentage measure, the published value for the others), then the national figure. Only
// entered figures are cells of the grid; what is calculated is shown beside it by the UI.

/** What a grid column holds. */
export type GridColumn = {
	id: string;
	label: string;
	field: 'cohort' | 'figure' | 'national';
	/** The assessment point, or null for the national figure. */
	pointId: string | null;
};

/** A grid row: one measure for one pupil group. */
export type GridRow = {
	id: string;
	measureId: string;
	groupId: string;
	sectionId: string;
	label: string;
};

export type AttainmentGrid = { rows: GridRow[]; columns: GridColumn[] };

/** A position in the grid, 0-based. */
export type GridPosition = { row: number; column: number };

/**
 * The grid of a framework, optionally narrowed to some measures, groups or points (a phone may
 * show one point at a time). Rows run measure by measure, each with its groups.
 */
export function buildGrid(
	framework: AttainmentFramework,
	only: { measureIds?: string[]; groupIds?: string[]; pointIds?: string[] } = {}
): AttainmentGrid {
	const keep = <T extends { id: string }>(items: T[], ids?: string[]) =>
		ids ? items.filter((i) => ids.includes(i.id)) : items;
	const rows: GridRow[] = [];
	for (const m of keep(framework.measures, only.measureIds)) {
		for (const g of keep(framework.groups, only.groupIds)) {
			rows.push({
				id: comparatorKey(m.id, g.id),
				measureId: m.id,
				groupId: g.id,
				sectionId: m.sectionId,
				label: `${m.label}, ${g.label}`
			});
		}
	}
	const columns: GridColumn[] = [];
	for (const p of keep(framework.points, only.pointIds)) {
		columns.push({
			id: `${p.id}:cohort`,
			label: `${p.label}: cohort`,
			field: 'cohort',
			pointId: p.id
		});
		columns.push({
			id: `${p.id}:figure`,
			label: `${p.label}: figure`,
			field: 'figure',
			pointId: p.id
		});
	}
	columns.push({ id: 'national', label: 'National', field: 'national', pointId: null });
	return { rows, columns };
}

/** The figure field a grid column stands for in a row of this measure. */
function fieldOf(measure: AttainmentMeasure, column: GridColumn) {
	if (column.field === 'figure') return measure.kind === 'percentage' ? 'count' : 'value';
	return column.field;
}

const text = (n: number | undefined) => (n === undefined ? '' : String(n));

/** The text of every grid cell for this booklet (empty where nothing is entered). */
export function gridText(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	grid: AttainmentGrid
): string[][] {
	return grid.rows.map((r) => {
		const measure = framework.measures.find((m) => m.id === r.measureId)!;
		return grid.columns.map((c) => {
			if (c.pointId === null) return text(booklet.nationals[r.id]);
			const cell = booklet.cells[cellKey(r.measureId, r.groupId, c.pointId)];
			const field = fieldOf(measure, c);
			return field === 'national' ? '' : text(cell?.[field]);
		});
	});
}

/** A group's name inside a sentence: "all pupils", but "EAL" and "SEND" as they are. */
const inSentence = (label: string) =>
	/^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;

/**
 * A bad grid cell, named as the person reads the booklet (the measure, then the point and the
 * group: "End of year, all pupils"), not by the grid's rows and columns, which the screen does not
 * number. `problem` is `parseFigure`'s, whose straight quotes name a figure in a file: a number is
 * left bare here, other text is quoted as prose is.
 */
function gridError(
	framework: AttainmentFramework,
	grid: AttainmentGrid,
	at: GridPosition,
	problem: string
): EntryError {
	const row = grid.rows[at.row]!;
	const column = grid.columns[at.column]!;
	const measure = framework.measures.find((m) => m.id === row.measureId)?.label ?? row.measureId;
	const group = inSentence(framework.groups.find((g) => g.id === row.groupId)?.label ?? row.label);
	const point = framework.points.find((p) => p.id === column.pointId)?.label;
	const where =
		point === undefined
			? `National, ${group}`
			: `${point}${column.field === 'cohort' ? ' cohort' : ''}, ${group}`;
	const words = problem.replace(/^"([^"]*)"/, (_, v: string) =>
		/^[-−–]?[\d.,]+%?$/.test(v) ? v : `‘${v}’`
	);
	const e = entryError(at.row + 1, row.label, column.label, words, {
		gridRow: at.row,
		gridColumn: at.column
	});
	return { ...e, message: `${measure} – ${where}: ${words}.` };
}

/** One edit of a grid cell: the text typed or pasted into it (empty clears the figure). */
export type GridEdit = GridPosition & { text: string };

/**
 * Applies edits to the booklet, all or nothing: every bad cell is reported by its place
 * (`gridError`) and the booklet is left as it was. A number meeting the standard above the cohort is reported
 * on whichever of the two was edited (the number meeting, if both).
 */
export function applyGridEdits(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	grid: AttainmentGrid,
	edits: GridEdit[]
): EntryOutcome {
	const errors: EntryError[] = [];
	const cells = { ...booklet.cells };
	const nationals = { ...booklet.nationals };
	// Which cells were touched, and where each of their fields was edited from.
	const touched = new Map<string, { cohort?: GridEdit; count?: GridEdit; rowIndex: number }>();
	const fail = (e: GridEdit, problem: string) =>
		errors.push(gridError(framework, grid, e, problem));

	for (const e of edits) {
		const row = grid.rows[e.row];
		const column = grid.columns[e.column];
		if (!row || !column) throw new RangeError(`no grid cell at row ${e.row}, column ${e.column}`);
		const measure = framework.measures.find((m) => m.id === row.measureId);
		if (!measure) throw new RangeError(`no measure "${row.measureId}" in the framework`);
		const field = fieldOf(measure, column);
		const parsed = parseFigure(measure, field, e.text);
		if (!parsed.ok) {
			fail(e, parsed.problem);
			continue;
		}
		if (column.pointId === null) {
			if (parsed.value === undefined) delete nationals[row.id];
			else nationals[row.id] = parsed.value;
			continue;
		}
		const key = cellKey(row.measureId, row.groupId, column.pointId);
		const cell: AttainmentCell = { ...cells[key] };
		const f = field as 'cohort' | 'count' | 'value';
		if (parsed.value === undefined) delete cell[f];
		else cell[f] = parsed.value;
		if (Object.keys(cell).length) cells[key] = cell;
		else delete cells[key];
		const t = touched.get(key) ?? { rowIndex: e.row };
		if (f === 'cohort' || f === 'count') t[f] = e;
		touched.set(key, t);
	}

	for (const [key, t] of touched) {
		const cell = cells[key];
		if (cell?.count === undefined || cell.cohort === undefined || cell.count <= cell.cohort) {
			continue;
		}
		if (t.count)
			fail(t.count, `${cell.count} is more than the ${cell.cohort} pupils in the cohort`);
		else if (t.cohort) {
			fail(t.cohort, `${cell.cohort} is fewer than the ${cell.count} pupils meeting the standard`);
		}
	}
	if (errors.length) {
		errors.sort((a, b) => a.row - b.row || (a.gridColumn ?? 0) - (b.gridColumn ?? 0));
		return { ok: false, errors };
	}
	return { ok: true, booklet: { ...booklet, cells, nationals } };
}

/**
 * What a spreadsheet puts on the clipboard, as rows of cells: tab-separated, rows ending in CRLF
 * or LF, cells holding tabs or line breaks in quotes. Text that is not valid in that form (an
 * unclosed quote) is taken literally, as a spreadsheet would.
 */
export function parseClipboard(clipboard: string): string[][] {
	const parsed = parseDelimited(clipboard, '\t');
	if (parsed.unclosedQuoteRow === undefined) return parsed.rows;
	return clipboard
		.replace(/\r?\n$/, '')
		.split(/\r?\n/)
		.map((line) => line.split('\t'));
}

/** Grid cells as text for the clipboard, to paste into a spreadsheet. */
export function toClipboard(cells: string[][]): string {
	return formatDelimited(cells, '\t') + '\r\n';
}

/**
 * Pastes a block copied from a spreadsheet with its top-left cell at `start`, all or nothing. A
 * block that runs past the last row or column of the grid is refused rather than cut short.
 */
export function pasteIntoGrid(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	grid: AttainmentGrid,
	start: GridPosition,
	clipboard: string
): EntryOutcome {
	const block = parseClipboard(clipboard);
	const height = block.length;
	const width = Math.max(0, ...block.map((r) => r.length));
	const startRow = grid.rows[start.row];
	const startColumn = grid.columns[start.column];
	if (!startRow || !startColumn) {
		throw new RangeError(`no grid cell at row ${start.row}, column ${start.column}`);
	}
	const overRows = start.row + height > grid.rows.length;
	const overColumns = start.column + width > grid.columns.length;
	if (overRows || overColumns) {
		const size = `${height} ${height === 1 ? 'row' : 'rows'} by ${width} ${width === 1 ? 'column' : 'columns'}`;
		const past = overColumns
			? `the last column, ‘${grid.columns[grid.columns.length - 1]!.label}’`
			: `the last row, ‘${grid.rows[grid.rows.length - 1]!.label}’`;
		const error = gridError(
			framework,
			grid,
			start,
			`the pasted block of ${size} does not fit: it runs past ${past}. Nothing was pasted`
		);
		return { ok: false, errors: [error] };
	}
	const edits: GridEdit[] = block.flatMap((cells, r) =>
		cells.map((t, c) => ({ row: start.row + r, column: start.column + c, text: t }))
	);
	return applyGridEdits(booklet, framework, grid, edits);
}
