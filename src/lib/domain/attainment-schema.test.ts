import { describe, expect, it } from 'vitest';
import {
	AttainmentBooklet,
	AttainmentFramework,
	bookletIssues,
	bookletSchemaFor,
	cellKey,
	comparatorKey,
	DEFAULT_ATTAINMENT_FRAMEWORK as F,
	lastYearFrom,
	newAttainmentBooklet
} from './attainment-schema.ts';
import * as domain from './index.ts';

const booklet = () =>
	newAttainmentBooklet('oak-primary', '2025-26', 'sil1', '2026-01-10T09:00:00Z');

describe('the attainment framework', () => {
	it('ships a default that parses and covers DOMAIN.md', () => {
		expect(AttainmentFramework.parse(F)).toEqual(F);
		expect(F.measures).toHaveLength(26);
		expect(F.groups.map((g) => g.id)).toEqual([
			'all',
			'disadvantaged',
			'non-disadvantaged',
			'send',
			'eal',
			'boys',
			'girls'
		]);
		expect(F.points.map((p) => p.label)).toEqual([
			'Target',
			'Autumn',
			'Mid-year projection',
			'End of year'
		]);
		expect(F.measures.find((m) => m.id === 'mtc-average')).toMatchObject({ min: 0, max: 25 });
		expect(F.measures.find((m) => m.id === 'persistent-absence')?.higherIsBetter).toBe(false);
	});

	it('is re-exported from the domain index', () => {
		expect(domain.DEFAULT_ATTAINMENT_FRAMEWORK).toBe(F);
		expect(typeof domain.importBookletCsv).toBe('function');
		expect(typeof domain.pasteIntoGrid).toBe('function');
	});

	it('refuses duplicate ids, unknown sections and a missing target', () => {
		const bad = {
			...F,
			measures: [...F.measures, { ...F.measures[0]!, sectionId: 'ks5' }],
			points: F.points.filter((p) => p.role !== 'target')
		};
		const r = AttainmentFramework.safeParse(bad);
		expect(r.success).toBe(false);
		const messages = r.error!.issues.map((i) => i.message);
		expect(messages).toContain('"eyfs-gld" is used twice');
		expect(messages).toContain('section "ks5" does not exist');
		expect(messages).toContain('exactly one assessment point must be the target');
	});

	it('refuses a score range upside down and a gap between unknown groups', () => {
		const bad = {
			...F,
			measures: [{ ...F.measures.find((m) => m.id === 'mtc-average')!, min: 25, max: 0 }],
			disadvantagedGap: { groupId: 'pp', nationalGroupId: 'non-disadvantaged' }
		};
		const messages = AttainmentFramework.safeParse(bad).error!.issues.map((i) => i.message);
		expect(messages).toContain('the lowest score must be below the highest');
		expect(messages).toContain('the gap must compare two groups of this framework');
	});
});

describe('the attainment booklet', () => {
	it('parses an empty booklet and one with figures', () => {
		const b = booklet();
		expect(AttainmentBooklet.parse(b)).toEqual(b);
		b.cells[cellKey('ks2-reading-exs', 'all', 'end-of-year')] = { cohort: 30, count: 22 };
		b.cells[cellKey('ks2-reading-ss', 'all', 'end-of-year')] = { cohort: 30, value: 104.6 };
		b.nationals[comparatorKey('ks2-reading-exs', 'all')] = 75;
		b.lastYear = { [comparatorKey('attendance', 'all')]: { cohort: 205, value: 95.1 } };
		expect(bookletSchemaFor(F).parse(b)).toEqual(b);
	});

	it('keeps the id and year together', () => {
		expect(booklet()._id).toBe('attainment:2025-26');
		const r = AttainmentBooklet.safeParse({ ...booklet(), year: '2024-25' });
		expect(r.error?.issues[0]?.message).toBe('year must match the document id');
	});

	it('holds aggregate figures only: no names, no extra fields', () => {
		const b = booklet();
		const withName = {
			...b,
			cells: { [cellKey('eyfs-gld', 'all', 'target')]: { cohort: 30, count: 20, pupil: 'Amy' } }
		};
		expect(AttainmentBooklet.safeParse(withName).success).toBe(false);
	});

	it('checks counts, cohorts and keys', () => {
		const key = cellKey('eyfs-gld', 'all', 'target');
		const parse = (cell: object) =>
			AttainmentBooklet.safeParse({ ...booklet(), cells: { [key]: cell } });
		expect(parse({ cohort: 30, count: 31 }).error?.issues[0]?.message).toBe(
			'the number meeting cannot be more than the cohort'
		);
		expect(parse({ cohort: 30.5 }).error?.issues[0]?.message).toBe('must be a whole number');
		expect(parse({ cohort: -1 }).error?.issues[0]?.message).toBe('cannot be negative');
		expect(parse({ cohort: 30, count: 3, value: 10 }).success).toBe(false);
		expect(
			AttainmentBooklet.safeParse({ ...booklet(), cells: { 'eyfs-gld:all': { cohort: 1 } } })
				.success
		).toBe(false);
	});

	it('checks ranges against the framework', () => {
		const b = booklet();
		b.cells[cellKey('ks2-maths-ss', 'all', 'end-of-year')] = { cohort: 30, value: 125 };
		b.cells[cellKey('mtc-average', 'all', 'end-of-year')] = { cohort: 30, value: 26 };
		b.cells[cellKey('attendance', 'all', 'autumn')] = { cohort: 200, value: 101 };
		b.cells[cellKey('suspensions', 'all', 'autumn')] = { cohort: 200, value: 1.5 };
		b.cells[cellKey('eyfs-gld', 'all', 'autumn')] = { cohort: 30, value: 70 };
		b.cells[cellKey('ks2-gps-ss', 'all', 'autumn')] = { cohort: 30, count: 20 };
		b.nationals[comparatorKey('ks2-rwm-exs', 'all')] = 101;
		// A measure the trust has since removed is kept and not checked.
		b.cells[cellKey('ks3-science', 'all', 'autumn')] = { cohort: 30, value: 7000 };
		expect(AttainmentBooklet.safeParse(b).success).toBe(true);
		expect(bookletIssues(b, F)).toEqual([
			{
				path: ['cells', 'ks2-maths-ss:all:end-of-year', 'value'],
				message: '125 is not between 80 and 120'
			},
			{
				path: ['cells', 'mtc-average:all:end-of-year', 'value'],
				message: '26 is not between 0 and 25'
			},
			{
				path: ['cells', 'attendance:all:autumn', 'value'],
				message: '101 is not between 0 and 100'
			},
			{ path: ['cells', 'suspensions:all:autumn', 'value'], message: '1.5 is not a whole number' },
			{
				path: ['cells', 'eyfs-gld:all:autumn', 'value'],
				message:
					'70 cannot be typed: the percentage is calculated from the cohort and the number meeting'
			},
			{
				path: ['cells', 'ks2-gps-ss:all:autumn', 'count'],
				message:
					'20 is not needed: this measure is not a number of pupils meeting a standard, so give its value instead'
			},
			{ path: ['nationals', 'ks2-rwm-exs:all'], message: '101 is not between 0 and 100' }
		]);
		expect(bookletSchemaFor(F).safeParse(b).success).toBe(false);
	});

	it("carries last year's end-of-year outcomes into a new booklet", () => {
		const b = booklet();
		b.cells[cellKey('ks2-rwm-exs', 'girls', 'end-of-year')] = { cohort: 14, count: 9 };
		b.cells[cellKey('ks2-rwm-exs', 'girls', 'autumn')] = { cohort: 14, count: 7 };
		b.cells[cellKey('ks3-science', 'all', 'end-of-year')] = { cohort: 30, count: 7 };
		expect(lastYearFrom(b, F)).toEqual({ 'ks2-rwm-exs:girls': { cohort: 14, count: 9 } });
	});
});
