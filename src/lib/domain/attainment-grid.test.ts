import { describe, expect, it } from 'vitest';
import { deriveCell } from './attainment-calc.ts';
import {
	applyGridEdits,
	buildGrid,
	gridText,
	parseClipboard,
	pasteIntoGrid,
	toClipboard
} from './attainment-grid.ts';
import {
	cellKey,
	comparatorKey,
	DEFAULT_ATTAINMENT_FRAMEWORK as F,
	newAttainmentBooklet
} from './attainment-schema.ts';

const booklet = () =>
	newAttainmentBooklet('oak-primary', '2025-26', 'sil1', '2026-01-10T09:00:00Z');
const grid = buildGrid(F);
const rowOf = (measureId: string, groupId: string) =>
	grid.rows.findIndex((r) => r.measureId === measureId && r.groupId === groupId);
const columnOf = (id: string) => grid.columns.findIndex((c) => c.id === id);

describe('the grid', () => {
	it('has a row per measure and group, and cohort and figure columns per point', () => {
		expect(grid.rows).toHaveLength(26 * 7);
		expect(grid.rows[0]).toEqual({
			id: 'eyfs-gld:all',
			measureId: 'eyfs-gld',
			groupId: 'all',
			sectionId: 'eyfs',
			label: 'EYFS: good level of development, All pupils'
		});
		expect(grid.columns.map((c) => c.label)).toEqual([
			'Target: cohort',
			'Target: figure',
			'Autumn: cohort',
			'Autumn: figure',
			'Mid-year projection: cohort',
			'Mid-year projection: figure',
			'End of year: cohort',
			'End of year: figure',
			'National'
		]);
		// KS2 reading, expected standard is the 12th measure: its rows start at 11 × 7.
		expect(rowOf('ks2-reading-exs', 'all')).toBe(77);
	});

	it('can be narrowed to one point and some groups', () => {
		const small = buildGrid(F, { pointIds: ['autumn'], groupIds: ['all', 'disadvantaged'] });
		expect(small.rows).toHaveLength(26 * 2);
		expect(small.columns.map((c) => c.id)).toEqual(['autumn:cohort', 'autumn:figure', 'national']);
	});

	it('shows the number meeting for percentages and the value for the others', () => {
		const b = booklet();
		b.cells[cellKey('ks2-reading-exs', 'all', 'autumn')] = { cohort: 30, count: 18 };
		b.cells[cellKey('ks2-reading-ss', 'all', 'autumn')] = { cohort: 30, value: 103.4 };
		b.nationals[comparatorKey('ks2-reading-exs', 'all')] = 75;
		const text = gridText(b, F, grid);
		expect(text[rowOf('ks2-reading-exs', 'all')]).toEqual([
			'',
			'',
			'30',
			'18',
			'',
			'',
			'',
			'',
			'75'
		]);
		expect(text[rowOf('ks2-reading-ss', 'all')]).toEqual([
			'',
			'',
			'30',
			'103.4',
			'',
			'',
			'',
			'',
			''
		]);
	});
});

describe('pasting from a spreadsheet', () => {
	const start = { row: rowOf('ks2-reading-exs', 'all'), column: columnOf('end-of-year:cohort') };

	it('reads what Excel and Sheets put on the clipboard', () => {
		expect(parseClipboard('30\t22\t75\r\n8\t5\t63\r\n')).toEqual([
			['30', '22', '75'],
			['8', '5', '63']
		]);
		expect(parseClipboard('12')).toEqual([['12']]);
		expect(parseClipboard('"two\nlines"\tb\n')).toEqual([['two\nlines', 'b']]);
		// An unclosed quote is taken literally, as a spreadsheet would.
		expect(parseClipboard('"5\t6\n7\t8\n')).toEqual([
			['"5', '6'],
			['7', '8']
		]);
		const rows = [
			['30', '22'],
			['', '5']
		];
		expect(parseClipboard(toClipboard(rows))).toEqual(rows);
	});

	it('pastes a block and the gaps are calculated from it', () => {
		// End of year for all, disadvantaged and non-disadvantaged pupils: cohort, number, national.
		const clipboard = '30\t22\t75\r\n8\t5\t63\r\n22\t17\t80\r\n';
		const result = pasteIntoGrid(booklet(), F, grid, start, clipboard);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const b = result.booklet;
		expect(b.cells[cellKey('ks2-reading-exs', 'disadvantaged', 'end-of-year')]).toEqual({
			cohort: 8,
			count: 5
		});
		expect(b.nationals[comparatorKey('ks2-reading-exs', 'non-disadvantaged')]).toBe(80);
		const ref = { measureId: 'ks2-reading-exs', pointId: 'end-of-year' };
		// 17 of 22 = 77.27… → 77.3%; disadvantaged 5 of 8 = 62.5% against 80 nationally: −17.5.
		expect(deriveCell(b, F, 5, { ...ref, groupId: 'non-disadvantaged' }).figure.display).toBe(
			'77.3%'
		);
		expect(deriveCell(b, F, 5, { ...ref, groupId: 'disadvantaged' }).gap).toMatchObject({
			display: '−17.5'
		});
	});

	it('reports every bad cell by its measure, point and group, changes nothing, and takes the fix', () => {
		const before = booklet();
		const bad = '30\t22\t75\r\n8\ttwelve\t63\r\n22\t25\t80\r\n';
		const result = pasteIntoGrid(before, F, grid, start, bad);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.errors).toEqual([
			{
				row: 79,
				column: 'End of year: figure',
				rowLabel: 'KS2 reading: expected standard, Disadvantaged',
				message:
					'KS2 reading: expected standard – End of year, disadvantaged: ‘twelve’ is not a whole number.',
				gridRow: 78,
				gridColumn: 7
			},
			{
				row: 80,
				column: 'End of year: figure',
				rowLabel: 'KS2 reading: expected standard, Non-disadvantaged',
				message:
					'KS2 reading: expected standard – End of year, non-disadvantaged: 25 is more than the 22 pupils in the cohort.',
				gridRow: 79,
				gridColumn: 7
			}
		]);
		expect(before.cells).toEqual({});
		expect(before.nationals).toEqual({});

		const fixed = pasteIntoGrid(before, F, grid, start, '30\t22\t75\r\n8\t5\t63\r\n22\t17\t80\r\n');
		expect(fixed.ok).toBe(true);
	});

	it('checks each column by its measure', () => {
		const at = (measureId: string, column: string) => ({
			row: rowOf(measureId, 'all'),
			column: columnOf(column)
		});
		const r1 = pasteIntoGrid(booklet(), F, grid, at('ks2-maths-ss', 'autumn:cohort'), '30\t79.5');
		const r2 = pasteIntoGrid(booklet(), F, grid, at('mtc-average', 'autumn:figure'), '25.5');
		const r3 = pasteIntoGrid(booklet(), F, grid, at('attendance', 'autumn:figure'), '96.1%');
		const r4 = pasteIntoGrid(booklet(), F, grid, at('suspensions', 'autumn:figure'), '2.5');
		const r5 = pasteIntoGrid(booklet(), F, grid, at('eyfs-gld', 'national'), '67.2%');
		const messages = [r1, r2, r4].map((r) => (r.ok ? '' : r.errors[0]!.message));
		expect(messages).toEqual([
			'KS2 maths: average scaled score – Autumn, all pupils: 79.5 is not between 80 and 120.',
			'MTC: average score (out of 25) – Autumn, all pupils: 25.5 is not between 0 and 25.',
			'Suspensions – Autumn, all pupils: 2.5 is not a whole number.'
		]);
		expect(r3.ok && r3.booklet.cells[cellKey('attendance', 'all', 'autumn')]).toEqual({
			value: 96.1
		});
		expect(r5.ok && r5.booklet.nationals['eyfs-gld:all']).toBe(67.2);
	});

	it('blames the cohort when a new cohort is below the number meeting', () => {
		const b = booklet();
		b.cells[cellKey('phonics-y1', 'boys', 'autumn')] = { cohort: 15, count: 12 };
		const row = rowOf('phonics-y1', 'boys');
		const r = applyGridEdits(b, F, grid, [{ row, column: columnOf('autumn:cohort'), text: '10' }]);
		expect(r.ok ? '' : r.errors[0]!.message).toBe(
			'Phonics: year 1 expected standard – Autumn cohort, boys: 10 is fewer than the 12 pupils meeting the standard.'
		);
	});

	it('clears cells pasted empty', () => {
		const b = booklet();
		b.cells[cellKey('phonics-y1', 'boys', 'autumn')] = { cohort: 15, count: 12 };
		b.nationals[comparatorKey('phonics-y1', 'boys')] = 77;
		const row = rowOf('phonics-y1', 'boys');
		const r = pasteIntoGrid(
			b,
			F,
			grid,
			{ row, column: columnOf('autumn:figure') },
			'\t\t\t\t\t\r\n'
		);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.booklet.cells).toEqual({ 'phonics-y1:boys:autumn': { cohort: 15 } });
		expect(r.booklet.nationals).toEqual({});
	});

	it('refuses a block that does not fit, rather than cut it short', () => {
		const last = grid.columns.length - 1;
		const r = pasteIntoGrid(booklet(), F, grid, { row: 0, column: last }, '1\t2\r\n3\t4\r\n');
		expect(r.ok ? '' : r.errors[0]!.message).toBe(
			'EYFS: good level of development – National, all pupils: the pasted block of 2 rows by 2 columns does not fit: it runs past the last column, ‘National’. Nothing was pasted.'
		);
		const bottom = grid.rows.length - 1;
		const r2 = pasteIntoGrid(booklet(), F, grid, { row: bottom, column: 0 }, '1\n2\n');
		expect(r2.ok ? '' : r2.errors[0]!.message).toContain(
			'runs past the last row, ‘Permanent exclusions, Girls’'
		);
	});
});
