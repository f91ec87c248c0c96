import { describe, expect, it } from 'vitest';
import {
	exportBookletCsv,
	formatDelimited,
	importBookletCsv,
	parseDelimited,
	parseFigure
} from './attainment-csv.ts';
import {
	cellKey,
	comparatorKey,
	DEFAULT_ATTAINMENT_FRAMEWORK as F,
	measureById,
	newAttainmentBooklet,
	type AttainmentBooklet
} from './attainment-schema.ts';

const booklet = () =>
	newAttainmentBooklet('oak-primary', '2025-26', 'sil1', '2026-01-10T09:00:00Z');
const HEAD = 'Measure,Group,Assessment point,Cohort,Number meeting,Value,National';

function filled(): AttainmentBooklet {
	const b = booklet();
	b.cells[cellKey('ks2-reading-exs', 'all', 'end-of-year')] = { cohort: 30, count: 22 };
	b.cells[cellKey('ks2-reading-exs', 'disadvantaged', 'target')] = { cohort: 8, count: 6 };
	b.cells[cellKey('ks2-rwm-exs', 'girls', 'autumn')] = { cohort: 14 };
	b.cells[cellKey('ks2-reading-ss', 'all', 'end-of-year')] = { cohort: 30, value: 104.6 };
	b.cells[cellKey('mtc-average', 'boys', 'mid-year')] = { cohort: 12, value: 19.75 };
	b.cells[cellKey('attendance', 'eal', 'autumn')] = { cohort: 41, value: 95.3 };
	b.cells[cellKey('permanent-exclusions', 'all', 'end-of-year')] = { cohort: 210, value: 0 };
	b.nationals[comparatorKey('ks2-reading-exs', 'all')] = 75;
	b.nationals[comparatorKey('ks2-rwm-exs', 'girls')] = 65.5;
	b.nationals[comparatorKey('attendance', 'eal')] = 94.8;
	return b;
}

describe('delimited text (RFC 4180)', () => {
	it('reads quoted commas, doubled quotes and line breaks in quotes', () => {
		const text = 'a,"b, c","say ""hi""","two\r\nlines"\r\n1,2,3,4\r\n';
		expect(parseDelimited(text, ',').rows).toEqual([
			['a', 'b, c', 'say "hi"', 'two\r\nlines'],
			['1', '2', '3', '4']
		]);
	});

	it('takes LF or CRLF, a byte order mark, no final line break and empty fields', () => {
		expect(parseDelimited('\uFEFFa,b\nc,\n,d', ',').rows).toEqual([
			['a', 'b'],
			['c', ''],
			['', 'd']
		]);
		expect(parseDelimited('""', ',').rows).toEqual([['']]);
		expect(parseDelimited('', ',').rows).toEqual([]);
	});

	it('keeps a quote inside an unquoted field, and reports a quote never closed', () => {
		expect(parseDelimited('5" tall,x', ',').rows).toEqual([['5" tall', 'x']]);
		expect(parseDelimited('a\nb,"open\nc', ',')).toEqual({
			rows: [['a']],
			unclosedQuoteRow: 2
		});
	});

	it('writes what it reads', () => {
		const rows = [
			['plain', 'with, comma', 'with "quote"', 'line\nbreak', ' padded '],
			['', '1', '2.5', '', '']
		];
		expect(parseDelimited(formatDelimited(rows, ','), ',').rows).toEqual(rows);
		expect(parseDelimited(formatDelimited(rows, '\t'), '\t').rows).toEqual(rows);
	});
});

describe('typed figures', () => {
	const reading = measureById(F, 'ks2-reading-exs')!;
	const attendance = measureById(F, 'attendance')!;
	it('accepts what spreadsheets produce', () => {
		expect(parseFigure(reading, 'cohort', ' 30 ')).toEqual({ ok: true, value: 30 });
		expect(parseFigure(reading, 'cohort', '')).toEqual({ ok: true, value: undefined });
		expect(parseFigure(reading, 'cohort', '1,234')).toEqual({ ok: true, value: 1234 });
		expect(parseFigure(attendance, 'value', '95.2%')).toEqual({ ok: true, value: 95.2 });
		expect(parseFigure(reading, 'national', '74 %')).toEqual({ ok: true, value: 74 });
	});
	it('says what is wrong in words', () => {
		expect(parseFigure(reading, 'cohort', 'twelve')).toEqual({
			ok: false,
			problem: '"twelve" is not a whole number'
		});
		expect(parseFigure(reading, 'count', '12.5')).toMatchObject({
			problem: '"12.5" is not a whole number'
		});
		expect(parseFigure(reading, 'cohort', '−3')).toMatchObject({
			problem: '"−3" cannot be negative'
		});
		expect(parseFigure(reading, 'cohort', '30%')).toMatchObject({
			problem: '"30%" is not a whole number'
		});
		expect(parseFigure(attendance, 'value', 'n/a')).toMatchObject({
			problem: '"n/a" is not a number'
		});
		expect(parseFigure(reading, 'cohort', '200000')).toMatchObject({
			problem: '"200000" is more than 100,000'
		});
	});
});

describe('CSV export', () => {
	it('exports a template with a row per measure, group and point', () => {
		const csv = exportBookletCsv(booklet(), F);
		expect(csv.startsWith('\uFEFFSection,Measure,Group,Assessment point,Cohort,')).toBe(true);
		const lines = csv.split('\r\n');
		// Headings, 26 measures × 7 groups × 4 points, and a final line break.
		expect(lines).toHaveLength(1 + 26 * 7 * 4 + 1);
		expect(lines[1]).toBe(
			'Early years foundation stage,EYFS: good level of development,All pupils,Target,,,,'
		);
	});

	it('writes figures, quoting labels with commas and repeating the national figure', () => {
		const csv = exportBookletCsv(filled(), F, { bom: false });
		expect(csv).toContain(
			'Key stage 2,KS2 reading: expected standard,All pupils,End of year,30,22,,75\r\n'
		);
		expect(csv).toContain('Key stage 2,KS2 reading: expected standard,All pupils,Target,,,,75\r\n');
		expect(csv).toContain(
			'Key stage 2,"KS2 reading, writing and maths: expected standard",Girls,Autumn,14,,,65.5\r\n'
		);
		expect(csv).toContain(
			'Year 4 multiplication tables check,MTC: average score (out of 25),Boys,Mid-year projection,12,,19.75,\r\n'
		);
	});

	it('guards labels that a spreadsheet would run as a formula, and reads them back', () => {
		const f = {
			...F,
			groups: [...F.groups, { id: 'plus', label: '+ more able' }]
		};
		const b = booklet();
		b.cells[cellKey('eyfs-gld', 'plus', 'target')] = { cohort: 9, count: 6 };
		const csv = exportBookletCsv(b, f);
		expect(csv).toContain(",'+ more able,Target,9,6,,");
		const back = importBookletCsv(csv, booklet(), f);
		expect(back.ok && back.booklet.cells).toEqual(b.cells);
	});
});

describe('CSV import', () => {
	it('round-trips a booklet exactly', () => {
		const original = filled();
		const csv = exportBookletCsv(original, F);
		const result = importBookletCsv(csv, booklet(), F);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.booklet.cells).toEqual(original.cells);
		expect(result.booklet.nationals).toEqual(original.nationals);
		// Exported again, it is the same file.
		expect(exportBookletCsv(result.booklet, F)).toBe(csv);
	});

	it('reads a short file by labels or ids, in any column order, keeping other figures', () => {
		const start = filled();
		const csv = [
			'group,MEASURE, Assessment point ,Value,Number meeting,Cohort',
			'disadvantaged,KS2 maths: expected standard,end of year,,5,8',
			'All pupils,ks2-maths-ss,End of Year,103.2,,30'
		].join('\n');
		const result = importBookletCsv(csv, start, F);
		expect(result).toMatchObject({ ok: true });
		if (!result.ok) return;
		expect(result.booklet.cells[cellKey('ks2-maths-exs', 'disadvantaged', 'end-of-year')]).toEqual({
			cohort: 8,
			count: 5
		});
		expect(result.booklet.cells[cellKey('ks2-maths-ss', 'all', 'end-of-year')]).toEqual({
			cohort: 30,
			value: 103.2
		});
		// Untouched: the cells not in the file and the national figures (no National column).
		expect(result.booklet.cells[cellKey('ks2-reading-exs', 'all', 'end-of-year')]).toEqual({
			cohort: 30,
			count: 22
		});
		expect(result.booklet.nationals).toEqual(start.nationals);
		// The booklet given is not changed.
		expect(start.cells[cellKey('ks2-maths-ss', 'all', 'end-of-year')]).toBeUndefined();
	});

	it('clears figures left empty in the file', () => {
		const csv = `${HEAD}\nKS2 reading: expected standard,All pupils,End of year,,,,\n`;
		const result = importBookletCsv(csv, filled(), F);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.booklet.cells[cellKey('ks2-reading-exs', 'all', 'end-of-year')]).toBeUndefined();
		expect(result.booklet.nationals[comparatorKey('ks2-reading-exs', 'all')]).toBeUndefined();
	});

	it('names the row and column of every bad cell, and changes nothing', () => {
		const start = filled();
		const before = structuredClone(start);
		const csv = [
			HEAD,
			'KS2 reading: expected standard,All pupils,End of year,30,22,,75', // row 2: fine
			'KS2 reading: expected standard,Disadvantaged,Autumn,8,9,,', // row 3
			'KS2 reading: expected standard,Disadvantaged,End of year,twelve,5,,', // row 4
			'KS2 maths: average scaled score,All pupils,End of year,30,,125,104', // row 5
			'MTC: average score (out of 25),Girls,Autumn,15,,26,', // row 6
			'EYFS: good level of development,All pupils,Target,30,,70,', // row 7
			'KS3 science,All pupils,Target,30,20,,', // row 8
			'Suspensions,Boys,Termly,100,,2,', // row 9
			'Attendance,All pupils,Autumn,200,,95.2,101', // row 10
			'KS2 reading: expected standard,All pupils,End of year,30,22,,75', // row 11: again
			'KS2 reading: expected standard,All pupils,Target,30,24,,74', // row 12
			'Suspensions,Girls,Autumn,100,1,,' // row 13
		].join('\r\n');
		const result = importBookletCsv(csv, start, F);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.errors.map((e) => e.message)).toEqual([
			'Row 3 (KS2 reading: expected standard, Disadvantaged, Autumn), column "Number meeting": "9" is more than the cohort of 8',
			'Row 4 (KS2 reading: expected standard, Disadvantaged, End of year), column "Cohort": "twelve" is not a whole number',
			'Row 5 (KS2 maths: average scaled score, All pupils, End of year), column "Value": "125" is not between 80 and 120',
			'Row 6 (MTC: average score (out of 25), Girls, Autumn), column "Value": "26" is not between 0 and 25',
			'Row 7 (EYFS: good level of development, All pupils, Target), column "Value": "70" cannot be typed: the percentage is calculated from the cohort and the number meeting',
			'Row 8 (KS3 science, All pupils, Target), column "Measure": "KS3 science" is not a measure in the trust’s booklet',
			'Row 9 (Suspensions, Boys, Termly), column "Assessment point": "Termly" is not an assessment point in the trust’s booklet',
			'Row 10 (Attendance, All pupils, Autumn), column "National": "101" is not between 0 and 100',
			'Row 11 (KS2 reading: expected standard, All pupils, End of year), column "Assessment point": this measure, group and point is already on row 2',
			'Row 12 (KS2 reading: expected standard, All pupils, Target), column "National": 74 differs from 75 on row 2: a measure and group has one national figure',
			'Row 13 (Suspensions, Girls, Autumn), column "Number meeting": "1" is not needed: this measure is not a number of pupils meeting a standard, so give its value instead'
		]);
		expect(result.errors[1]).toMatchObject({
			row: 4,
			column: 'Cohort',
			rowLabel: 'KS2 reading: expected standard, Disadvantaged, End of year'
		});
		expect(start).toEqual(before);
	});

	it('reports missing headings, an empty file and an unclosed quote', () => {
		const noValue = importBookletCsv('Measure,Group,Assessment point,Cohort\n', booklet(), F);
		expect(noValue.ok ? [] : noValue.errors.map((e) => e.message)).toEqual([
			'Row 1 (headings): there is no column "Number meeting"',
			'Row 1 (headings): there is no column "Value"'
		]);
		const empty = importBookletCsv('\uFEFF', booklet(), F);
		expect(empty.ok ? '' : empty.errors[0]!.message).toBe(
			'The file is empty: it needs a row of headings and a row per figure'
		);
		const open = importBookletCsv(`${HEAD}\n"KS2 reading,All pupils`, booklet(), F);
		expect(open.ok ? '' : open.errors[0]!.message).toBe(
			'Row 2: a quoted value starts here but its closing quote is missing'
		);
	});

	it('names an empty measure cell, and skips blank lines', () => {
		const csv = `${HEAD}\n\n,All pupils,Target,30,20,,\n,,,,,,\n`;
		const result = importBookletCsv(csv, booklet(), F);
		expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([
			'Row 3 (All pupils, Target), column "Measure": the cell is empty: name a measure'
		]);
	});
});
