import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { framework, nextStep, visit, year } from '../../../tests/unit/fixtures';
import { attentionFlags, sortRows, termStage, weakestFirst } from './attention';
import { SCHEMA_VERSION } from './common';
import { dashboardGrid, type DashboardSchool } from './overview';
import type { School } from './school';
import { silsBySchool } from './people';
import type { VisitRecord } from './visit';

function school(id: string, category: School['category'], name: string): School {
	const corrective = category === '3' || category === '4';
	return {
		_id: `school:${id}`,
		schemaVersion: SCHEMA_VERSION,
		type: 'school',
		id,
		name,
		phase: 'primary',
		category,
		strand: corrective ? 'corrective' : 'preventative',
		...(corrective ? { carterStage: 'repair' as const } : {})
	};
}

const confirmed = (schoolId: string, term: number, g: Record<string, string>) =>
	visit({
		_id: `visit:2026-27:t${term}:${schoolId}`,
		schoolId,
		term,
		date: term === 1 ? '2026-09-20' : '2026-11-20',
		status: 'confirmed',
		evaluations: Object.entries(g).map(([areaId, gradeId]) => ({ areaId, gradeId, comment: '' }))
	});

const vulnerableMark = (schoolId: string) => ({
	_id: 'vulnerable:a',
	schemaVersion: SCHEMA_VERSION,
	type: 'vulnerable-mark' as const,
	schoolId,
	markedOn: '2026-10-01',
	markedBy: 'ceo',
	reason: 'Outcomes fell.',
	meetingNotes: '',
	supportPlan: 'Weekly support from the SIL.',
	updatedBy: 'ceo',
	updatedAt: '2026-10-01T10:00:00.000Z'
});

// The demo trust's situation the issue reports: a category 2a school with a weak grade sat above
// the category 4 school and the vulnerable one.
const schools: DashboardSchool[] = [
	{
		school: school('elm', '2a', 'Elm'),
		visits: [confirmed('elm', 2, { achievement: 'urgent-improvement' })],
		steps: [],
		overview: null
	},
	{
		school: school('ash', '4', 'Ash'),
		visits: [confirmed('ash', 2, { achievement: 'expected' })],
		steps: [],
		overview: null
	},
	{
		school: school('birch', '2b', 'Birch'),
		visits: [confirmed('birch', 2, { achievement: 'strong' })],
		steps: [],
		overview: null,
		marks: [vulnerableMark('birch')]
	},
	{ school: school('cedar', '4', 'Cedar'), visits: [], steps: [], overview: null },
	{
		school: school('dale', '1', 'Dale'),
		visits: [confirmed('dale', 2, { achievement: 'needs-attention' })],
		steps: [],
		overview: null
	},
	{ school: school('fir', '3', 'Fir'), visits: [], steps: [], overview: null }
];

describe('weakest school first', () => {
	const rows = dashboardGrid(schools, framework, year, 2, '2026-11-23');

	it('puts vulnerable schools, then category 4, then the rest by their agreed evaluations', () => {
		// Birch is vulnerable though its grade is strong; Ash (4, expected) before Cedar (4, nothing
		// agreed); then Elm's urgent improvement, Dale's needs attention, Fir with nothing agreed.
		expect(rows.map((r) => r.school.name)).toEqual(['Birch', 'Ash', 'Cedar', 'Elm', 'Dale', 'Fir']);
	});

	it('breaks ties on the average grade, then the weaker category, then the name', () => {
		const [a, b] = dashboardGrid(
			[
				{
					school: school('x', '1', 'Xylo'),
					visits: [confirmed('x', 2, { achievement: 'needs-attention', inclusion: 'strong' })],
					steps: [],
					overview: null
				},
				{
					school: school('y', '1', 'Yew'),
					visits: [
						confirmed('y', 2, { achievement: 'needs-attention', inclusion: 'needs-attention' })
					],
					steps: [],
					overview: null
				}
			],
			framework,
			year,
			2,
			'2026-11-23'
		);
		expect([a!.school.name, b!.school.name]).toEqual(['Yew', 'Xylo']);
		expect(weakestFirst(a!, { ...a!, school: { ...a!.school, category: '3' } })).toBeGreaterThan(0);
	});

	it('puts schools still loading after the others, each part in its sorted order', () => {
		const byName = sortRows(rows, { by: 'school' }, 'ascending').map((r) => r.school.name);
		const loading = new Set(
			rows.filter((r) => ['Ash', 'Dale'].includes(r.school.name)).map((r) => r.school.id)
		);
		expect(
			sortRows(rows, { by: 'school' }, 'ascending', loading).map((r) => r.school.name)
		).toEqual([...byName.filter((n) => n !== 'Ash' && n !== 'Dale'), 'Ash', 'Dale']);
		const weakest = sortRows(rows, null);
		const ready = weakest.filter((r) => !loading.has(r.school.id));
		expect(sortRows(rows, null, 'ascending', loading)).toEqual([
			...ready,
			...weakest.filter((r) => loading.has(r.school.id))
		]);
	});

	it('sorts by any column both ways, with schools lacking a value last either way', () => {
		const byName = sortRows(rows, { by: 'school' }, 'ascending').map((r) => r.school.name);
		expect(byName).toEqual(['Ash', 'Birch', 'Cedar', 'Dale', 'Elm', 'Fir']);
		expect(sortRows(rows, { by: 'school' }, 'descending').map((r) => r.school.name)).toEqual(
			[...byName].reverse()
		);
		const area = { by: 'area', areaId: 'achievement' } as const;
		// Ascending reads the scale from its best grade; nothing agreed comes last both ways.
		expect(sortRows(rows, area, 'ascending').map((r) => r.school.name)).toEqual([
			'Birch',
			'Ash',
			'Dale',
			'Elm',
			'Cedar',
			'Fir'
		]);
		expect(sortRows(rows, area, 'descending').map((r) => r.school.name)).toEqual([
			'Elm',
			'Dale',
			'Ash',
			'Birch',
			'Cedar',
			'Fir'
		]);
		expect(sortRows(rows, null).map((r) => r.school.name)).toEqual(rows.map((r) => r.school.name));
	});

	it('sorts by safeguarding: not met first on the first press, nothing agreed last either way', () => {
		// Dale's visit found it not met; the others' found it met; Cedar and Fir have no visit.
		const withDale = schools.map((s) =>
			s.school.id === 'dale'
				? { ...s, visits: s.visits.map((v) => ({ ...v, safeguarding: 'not-met' as const })) }
				: s
		);
		const r = dashboardGrid(withDale, framework, year, 2, '2026-11-23');
		const key = { by: 'safeguarding' } as const;
		expect(sortRows(r, key, 'descending').map((x) => x.school.name)).toEqual([
			'Dale',
			'Birch',
			'Ash',
			'Elm',
			'Cedar',
			'Fir'
		]);
		expect(sortRows(r, key, 'ascending').map((x) => x.school.name)).toEqual([
			'Birch',
			'Ash',
			'Elm',
			'Dale',
			'Cedar',
			'Fir'
		]);
	});
});

describe('what needs the CEO’s attention', () => {
	const base = { term: 2, asOf: '2026-11-23', overdueSteps: 0 };

	it('flags a school with no visit this term, and none with a visit recorded', () => {
		const t1 = visit({ term: 1, date: '2026-09-20', status: 'confirmed' });
		expect(attentionFlags({ ...base, visits: [t1] })).toEqual([
			{ kind: 'no-visit', text: 'No visit this term' }
		]);
		expect(attentionFlags({ ...base, visits: [t1, visit({ status: 'draft' })] })).toEqual([]);
	});

	it('counts a planned visit only while its day has not passed', () => {
		const coming = visit({ status: 'planned', date: '2026-12-01' });
		const missed = visit({ status: 'planned', date: '2026-11-10' });
		expect(attentionFlags({ ...base, visits: [coming] })).toEqual([]);
		expect(attentionFlags({ ...base, visits: [missed] }).map((f) => f.kind)).toEqual(['no-visit']);
	});

	it('flags no SIL, overdue next steps and open concerns in words, most urgent first', () => {
		expect(attentionFlags({ ...base, visits: [], overdueSteps: 2, openConcerns: 1 })).toEqual([
			{ kind: 'concern', text: '1 open concern' },
			{ kind: 'no-sil', text: 'No SIL assigned: no visit planned or made this year' },
			{ kind: 'no-visit', text: 'No visit this term' },
			{ kind: 'overdue', text: '2 next steps overdue' }
		]);
	});

	it('says no SIL from the trust’s list of people when it says who supports whom', () => {
		const directory = {
			_id: 'people' as const,
			schemaVersion: SCHEMA_VERSION,
			type: 'people' as const,
			people: [
				{ name: 'sil', fullName: 'James Whitfield', supports: ['oakfield', 'ashcombe'] },
				{ name: 'sil2', fullName: 'Priya Shah', supports: ['oakfield'] },
				{ name: 'ceo', fullName: 'Dr Margaret Ellison' }
			]
		};
		const sils = silsBySchool(directory)!;
		expect(sils.get('oakfield')).toEqual(['sil', 'sil2']);
		expect(sils.get('millbrook')).toBeUndefined();
		// A school no SIL supports is flagged even when it has visits (an old SIL's, say)...
		const visited = [visit({ status: 'draft' })];
		expect(attentionFlags({ ...base, visits: visited, sils: 0 }).map((f) => f.text)).toEqual([
			'No SIL assigned'
		]);
		// ...and one with a SIL is not, even before anyone has planned a visit.
		expect(attentionFlags({ ...base, visits: [], sils: 1 }).map((f) => f.kind)).toEqual([
			'no-visit'
		]);
		// A list from an older server says nothing of who supports whom: the visits stand in.
		expect(
			silsBySchool({ ...directory, people: [{ name: 'sil', fullName: 'James Whitfield' }] })
		).toBeNull();
		// A list that says it names every SIL's schools, with no SIL left on it: no school has one.
		const none = silsBySchool({
			...directory,
			silsListed: true,
			people: [{ name: 'ceo', fullName: 'Dr Margaret Ellison' }]
		});
		expect(none?.get('oakfield')).toBeUndefined();
		expect(none).not.toBeNull();
	});

	it('is on each dashboard row, from the school’s visits and overdue next steps', () => {
		const late = {
			step: nextStep({ dueDate: '2026-11-01' }),
			status: 'open' as const,
			agreement: 'agreed' as const
		};
		const rows = dashboardGrid(
			[
				{ ...schools[0]!, steps: [late] },
				{ ...schools[3]!, openConcerns: 2 }
			],
			framework,
			year,
			2,
			'2026-11-23'
		);
		const texts = Object.fromEntries(
			rows.map((r) => [r.school.name, r.attention.map((f) => f.text)])
		);
		expect(texts).toEqual({
			// Elm's achievement was agreed as urgent improvement this term.
			Elm: ['Urgent improvement: Achievement', '1 next step overdue'],
			Cedar: [
				'2 open concerns',
				'No SIL assigned: no visit planned or made this year',
				// 23 Nov is in the middle of term 2.
				'No visit yet this term'
			]
		});
	});
});

describe('a missing visit is flagged only once the term has begun', () => {
	// Term 2 of the fixture year runs from 2 Nov to 18 Dec 2026.
	const term2 = { start: '2026-11-02', end: '2026-12-18' };
	const input = (asOf: string, visits: Parameters<typeof attentionFlags>[0]['visits'] = []) => ({
		term: 2,
		asOf,
		termDates: term2,
		visits,
		overdueSteps: 0,
		sils: 1
	});

	it('says where a term stands on a day: to come, under way, or over from its last day', () => {
		expect(termStage(term2, '2026-11-01')).toBe('to-come');
		expect(termStage(term2, '2026-11-02')).toBe('under-way');
		expect(termStage(term2, '2026-12-17')).toBe('under-way');
		expect(termStage(term2, '2026-12-18')).toBe('over');
		expect(termStage(term2, '2027-01-10')).toBe('over');
		// Dates not known: every term counts as over, as before the dates were read.
		expect(termStage(undefined, '2026-11-01')).toBe('over');
	});

	it('flags no missing visit before the term begins, and still flags everything else', () => {
		expect(attentionFlags(input('2026-10-20'))).toEqual([]);
		expect(
			attentionFlags({ ...input('2026-10-20'), sils: 0, overdueSteps: 1, openConcerns: 1 })
		).toEqual([
			{ kind: 'concern', text: '1 open concern' },
			{ kind: 'no-sil', text: 'No SIL assigned' },
			{ kind: 'overdue', text: '1 next step overdue' }
		]);
	});

	it('says "yet" while the term is under way, and not once it is over', () => {
		expect(attentionFlags(input('2026-11-02'))).toEqual([
			{ kind: 'no-visit', text: 'No visit yet this term' }
		]);
		// A visit planned for a day still to come answers it.
		const planned = visit({ status: 'planned', date: '2026-12-10' });
		expect(attentionFlags(input('2026-11-23', [planned]))).toEqual([]);
		// On the last day, or after it, the term is over: the planned visit was not recorded.
		expect(attentionFlags(input('2026-12-18', [planned]))).toEqual([
			{ kind: 'no-visit', text: 'No visit this term' }
		]);
		expect(attentionFlags(input('2026-12-18', [visit({ status: 'confirmed' })]))).toEqual([]);
	});

	it('holds for any day and any visits: flagged once begun, when no visit counts', () => {
		const day = fc
			.integer({ min: Date.UTC(2026, 9, 1), max: Date.UTC(2027, 0, 31) })
			.map((ms) => new Date(ms).toISOString().slice(0, 10));
		const aVisit = fc.record({
			term: fc.constantFrom(1, 2, 3),
			date: day,
			status: fc.constantFrom('planned', 'draft', 'shared', 'confirmed') as fc.Arbitrary<
				VisitRecord['status']
			>,
			visitor: fc.constantFrom('sil', '')
		});
		fc.assert(
			fc.property(day, fc.array(aVisit, { maxLength: 4 }), (today, visits) => {
				// As the dashboard counts it: to today, or to the last day once the term is over.
				const asOf = today < term2.end ? today : term2.end;
				const flag = attentionFlags({ ...input(asOf), visits }).find((f) => f.kind === 'no-visit');
				const counted = visits.some(
					(v) => v.term === 2 && (v.status !== 'planned' || v.date >= asOf)
				);
				if (today < term2.start || counted) expect(flag).toBeUndefined();
				else
					expect(flag?.text).toBe(
						today < term2.end ? 'No visit yet this term' : 'No visit this term'
					);
			})
		);
	});

	it('flags no school on the dashboard for a term still to come', () => {
		const grid = (term: number) =>
			dashboardGrid(schools, framework, year, term, '2026-11-23').map((r) => ({
				name: r.school.name,
				noVisit: r.attention.find((f) => f.kind === 'no-visit')?.text
			}));
		// Term 3 begins on 5 Jan 2027: no school can have missed its visit.
		expect(grid(3).filter((r) => r.noVisit)).toEqual([]);
		// Term 2 is under way: the schools with no visit in it yet (Cedar and Fir).
		expect(grid(2).filter((r) => r.noVisit)).toEqual([
			{ name: 'Cedar', noVisit: 'No visit yet this term' },
			{ name: 'Fir', noVisit: 'No visit yet this term' }
		]);
		// Term 1 is over, and no school had a visit in it.
		expect(grid(1).every((r) => r.noVisit === 'No visit this term')).toBe(true);
	});
});
