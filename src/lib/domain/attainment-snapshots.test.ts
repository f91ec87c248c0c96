import { describe, expect, it } from 'vitest';
import {
	AttainmentBooklet,
	DEFAULT_ATTAINMENT_FRAMEWORK,
	newAttainmentBooklet,
	type AttainmentCell
} from './attainment-schema.ts';
import {
	bookletTerms,
	changeSinceSnapshot,
	headlineTrend,
	lastSnapshot,
	takeSnapshot
} from './attainment-snapshots.ts';

// Issue 15: the booklet is updated at the visits of terms 1, 3, 4 and 6; each update keeps a
// snapshot, and the screen shows the change since the last one. Every figure is worked by hand.

const F = DEFAULT_ATTAINMENT_FRAMEWORK;
const KEY = 'ks2-rwm-exs:all:mid-year';
const visit = (term: number, date: string) => ({
	_id: `visit:2026-27:t${term}:v${term}`,
	term,
	date
});

function booklet(cells: Record<string, AttainmentCell>): AttainmentBooklet {
	return { ...newAttainmentBooklet('oakfield', '2026-27', 'sil', '2026-09-20T10:00:00Z'), cells };
}

describe('snapshots of the A&A booklet', () => {
	it('keeps the figures of each term, tied to the visit, and replaces a term taken again', () => {
		const b1 = booklet({ [KEY]: { cohort: 30, count: 18 } });
		const t1 = takeSnapshot(b1, visit(1, '2026-09-24'), 'sil', '2026-09-24T15:00:00Z');
		// Later edits do not reach into the snapshot.
		t1.cells[KEY] = { cohort: 30, count: 21 };
		expect(t1.snapshots?.t1).toMatchObject({
			term: 1,
			visitId: 'visit:2026-27:t1:v1',
			visitDate: '2026-09-24',
			takenBy: 'sil',
			cells: { [KEY]: { cohort: 30, count: 18 } }
		});
		const t3 = takeSnapshot(t1, visit(3, '2027-01-20'), 'sil', '2027-01-20T15:00:00Z');
		expect(Object.keys(t3.snapshots!).sort()).toEqual(['t1', 't3']);
		expect(lastSnapshot(t3)?.term).toBe(3);
		expect(lastSnapshot(t3, 3)?.term).toBe(1);
		expect(lastSnapshot(booklet({}))).toBeNull();
		// The schema accepts it, and an older booklet without snapshots still parses.
		expect(AttainmentBooklet.safeParse(t3).success).toBe(true);
		expect(AttainmentBooklet.safeParse(b1).success).toBe(true);
		// A snapshot must be of a visit of its own term and year.
		const wrong = {
			...t3,
			snapshots: { t3: { ...t3.snapshots!.t3!, visitId: 'visit:2026-27:t1:v1' } }
		};
		expect(AttainmentBooklet.safeParse(wrong).success).toBe(false);
	});

	it('shows the change since the last snapshot, group by group', () => {
		const taken = takeSnapshot(
			booklet({
				[KEY]: { cohort: 30, count: 18 },
				'ks2-rwm-exs:disadvantaged:mid-year': { cohort: 9, count: 4 },
				'ks2-rwm-exs:send:mid-year': { cohort: 4, count: 1 }
			}),
			visit(1, '2026-09-24'),
			'sil',
			'2026-09-24T15:00:00Z'
		);
		const now = {
			...taken,
			cells: {
				...taken.cells,
				[KEY]: { cohort: 30, count: 20 },
				'ks2-rwm-exs:disadvantaged:mid-year': { cohort: 9, count: 4 },
				'ks2-rwm-exs:send:mid-year': { cohort: 4, count: 2 }
			}
		};
		const rows = changeSinceSnapshot(now, taken.snapshots!.t1!, F, 5, 'ks2-rwm-exs', 'mid-year');
		const row = (g: string) => rows.find((r) => r.groupId === g)!;
		// 18 of 30 = 60.0%; 20 of 30 = 66.7%; 66.7 − 60.0 = +6.7 points, better.
		expect(row('all').then.display).toBe('60.0%');
		expect(row('all').now.display).toBe('66.7%');
		expect(row('all').change).toMatchObject({ display: '+6.7', direction: 'better' });
		// 4 of 9 = 44.4% both times: the same.
		expect(row('disadvantaged').change).toMatchObject({ display: '0.0', text: 'the same' });
		// A group of 4 is below the threshold of 5: its change is suppressed, not given away.
		expect(row('send').change.display).toBe('Suppressed');
		// Boys were never entered.
		expect(row('boys').change.display).toBe('No data');
	});

	it('gives the trend of a headline figure across the year’s snapshots', () => {
		const ref = { measureId: 'ks2-rwm-exs', groupId: 'all', pointId: 'mid-year' };
		let b = booklet({ [KEY]: { cohort: 30, count: 18 } });
		expect(headlineTrend(b, F, 5, ref).words).toBe('Not known yet');
		b = takeSnapshot(b, visit(1, '2026-09-24'), 'sil', '2026-09-24T15:00:00Z');
		// Only one figure so far (the snapshot, unchanged since): no trend yet.
		expect(headlineTrend(b, F, 5, ref)).toMatchObject({ words: 'Not known yet', change: null });
		b = { ...b, cells: { [KEY]: { cohort: 30, count: 17 } } };
		b = takeSnapshot(b, visit(3, '2027-01-20'), 'sil', '2027-01-20T15:00:00Z');
		// 60.0% → 56.7%: −3.3, declining.
		let trend = headlineTrend(b, F, 5, ref);
		expect(trend.points.map((p) => `${p.label}: ${p.figure.display}`)).toEqual([
			'Term 1 visit: 60.0%',
			'Term 3 visit: 56.7%'
		]);
		expect(trend).toMatchObject({ words: 'Declining', change: { display: '−3.3' } });
		// Entered since term 3 and not yet kept: 21 of 30 = 70.0%, +13.3 on 56.7%, improving.
		b = { ...b, cells: { [KEY]: { cohort: 30, count: 21 } } };
		trend = headlineTrend(b, F, 5, ref);
		expect(trend.points.at(-1)).toMatchObject({ label: 'Now', figure: { display: '70.0%' } });
		expect(trend).toMatchObject({ words: 'Improving', change: { display: '+13.3' } });
		// Persistent absence: lower is better, so a fall is an improvement.
		const pa = { measureId: 'persistent-absence', groupId: 'all', pointId: 'autumn' };
		let a = booklet({ 'persistent-absence:all:autumn': { cohort: 200, value: 18.2 } });
		a = takeSnapshot(a, visit(1, '2026-09-24'), 'sil', '2026-09-24T15:00:00Z');
		a = { ...a, cells: { 'persistent-absence:all:autumn': { cohort: 200, value: 15.9 } } };
		expect(headlineTrend(a, F, 5, pa)).toMatchObject({
			words: 'Improving',
			change: { display: '−2.3' }
		});
	});
});

describe('the terms whose visit completes the booklet', () => {
	it('are those whose calendar lists it among what is completed on the day, else 1, 3, 4 and 6', () => {
		const term = (n: number, completedOnDay: string[]) => ({ term: n, completedOnDay });
		const calendar = {
			terms: [
				term(1, ['SI discussion record booklet', 'Attainment & Achievement overview booklet']),
				term(2, ['SI discussion record booklet']),
				term(5, ['SI discussion record booklet', 'A&A: attainment overview'])
			]
		};
		expect(bookletTerms(calendar)).toEqual([1, 5]);
		expect(bookletTerms({ terms: [term(2, ['SI discussion record booklet'])] })).toEqual([
			1, 3, 4, 6
		]);
		expect(bookletTerms(null)).toEqual([1, 3, 4, 6]);
	});
});
