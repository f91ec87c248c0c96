import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	ceo,
	head,
	nextStep,
	now,
	sil,
	visit,
	framework,
	year
} from '../../../tests/unit/fixtures';
import { SCHEMA_VERSION } from './common';
import { DEFAULT_ATTAINMENT_FRAMEWORK, newAttainmentBooklet } from './attainment-schema';
import { OFSTED_2019, type EvaluationFramework } from './evaluation';
import {
	agreedGrades,
	assembleOverview,
	completionPercent,
	countSteps,
	dashboardGrid,
	keyFigures,
	overviewDocId,
	overviewInForce,
	SAFEGUARDING_LABELS,
	safeguardingShown,
	SchoolOverview,
	stepStatusText,
	type DashboardSchool
} from './overview';
import { validateDocUpdate } from './rules';
import type { School } from './school';
import type { VisitRecord } from './visit';
import type { VulnerableMark } from './vulnerable';

function mark(over: Partial<VulnerableMark> = {}): VulnerableMark {
	return {
		_id: `vulnerable:${over.markedOn ?? 'm'}`,
		schemaVersion: SCHEMA_VERSION,
		type: 'vulnerable-mark',
		schoolId: 'oakfield',
		markedOn: '2026-10-01',
		markedBy: 'ceo',
		reason: 'Key stage 2 outcomes fell',
		meetingNotes: '',
		supportPlan: 'Plan',
		updatedBy: 'ceo',
		updatedAt: now,
		...over
	};
}

function school(id: string, category: School['category'], name = id): School {
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

const grades = (g: Record<string, string>) =>
	Object.entries(g).map(([areaId, gradeId]) => ({ areaId, gradeId, comment: '' }));

function overview(over: Partial<SchoolOverview> = {}): SchoolOverview {
	return {
		_id: overviewDocId('2026-27', 2),
		schemaVersion: SCHEMA_VERSION,
		type: 'school-overview',
		schoolId: 'oakfield',
		year: '2026-27',
		term: 2,
		commentary: 'Reading is improving.',
		vulnerable: false,
		supportPlan: '',
		updatedBy: 'ceo',
		updatedAt: now,
		...over
	};
}

describe('the SchoolOverview document', () => {
	it('needs a support plan when the school is marked vulnerable', () => {
		expect(SchoolOverview.safeParse(overview()).success).toBe(true);
		const bad = SchoolOverview.safeParse(overview({ vulnerable: true, supportPlan: '  ' }));
		expect(bad.success).toBe(false);
		expect(bad.error?.issues[0]?.message).toBe('a school marked vulnerable needs a support plan');
		expect(SchoolOverview.safeParse(overview({ _id: 'overview:2026-27:t3' })).success).toBe(false);
	});

	it('is written by the CEO only, under their own name, and never removed', () => {
		const DB = 'school-oakfield';
		expect(validateDocUpdate(overview(), null, ceo, DB).ok).toBe(true);
		expect(validateDocUpdate(overview(), null, head, DB)).toMatchObject({
			ok: false,
			reason: 'Only the chief executive writes the school overview.'
		});
		expect(validateDocUpdate(overview(), null, sil, DB).ok).toBe(false);
		expect(validateDocUpdate(overview({ updatedBy: 'someone' }), null, ceo, DB).ok).toBe(false);
		expect(validateDocUpdate(overview(), null, { name: 'a', roles: ['admin'] }, DB).ok).toBe(true);
		const gone = { _id: overview()._id, _deleted: true };
		expect(validateDocUpdate(gone, overview(), sil, DB).ok).toBe(false);
		expect(validateDocUpdate(gone, overview(), ceo, DB).ok).toBe(false);
	});
});

describe('the overview in force', () => {
	it('is the term’s own, or the latest before it', () => {
		const t1 = overview({
			_id: overviewDocId('2026-27', 1),
			term: 1,
			vulnerable: true,
			supportPlan: 'P'
		});
		const t3 = overview({ _id: overviewDocId('2026-27', 3), term: 3 });
		const byTerm = new Map([
			[1, t1],
			[3, t3]
		]);
		expect(overviewInForce(byTerm, 2)).toBe(t1);
		expect(overviewInForce(byTerm, 4)).toBe(t3);
		expect(overviewInForce(new Map(), 2)).toBeNull();
	});
});

describe('agreed grades', () => {
	const t1 = visit({
		_id: 'visit:2026-27:t1:a',
		term: 1,
		date: '2026-09-20',
		status: 'confirmed',
		evaluations: grades({ achievement: 'needs-attention', inclusion: 'strong' })
	});
	const t2 = visit({
		_id: 'visit:2026-27:t2:b',
		term: 2,
		date: '2026-11-20',
		status: 'confirmed',
		evaluations: grades({ achievement: 'expected' })
	});
	const t2draft = visit({
		_id: 'visit:2026-27:t2:c',
		term: 2,
		date: '2026-11-25',
		status: 'draft',
		evaluations: grades({ achievement: 'urgent-improvement' })
	});

	it('takes the latest confirmed grade per area, ignoring records not yet agreed', () => {
		const g = agreedGrades([t2draft, t2, t1], framework, 2);
		expect(g.get('achievement')).toMatchObject({
			label: 'Expected standard',
			term: 2,
			rag: 'green'
		});
		// Strong standard is the 2nd of 5 grades: position 1/4.
		expect(g.get('inclusion')).toMatchObject({ position: 0.25, term: 1 });
		expect(agreedGrades([t2, t1], framework, 1).get('achievement')?.label).toBe('Needs attention');
	});

	it('leaves out records made against another framework', () => {
		const old = visit({ ...t1, frameworkId: 'ofsted-2019' });
		expect(agreedGrades([old], framework, 6).size).toBe(0);
	});
});

describe('next steps', () => {
	const steps = [
		{
			step: nextStep({ _id: 'next-step:2026-27:1', dueDate: '2026-11-01' }),
			status: 'open' as const,
			agreement: 'agreed' as const
		},
		{
			step: nextStep({ _id: 'next-step:2026-27:2', dueDate: undefined, dueTerm: 1 }),
			status: 'in-progress' as const,
			agreement: 'agreed' as const
		},
		{
			step: nextStep({ _id: 'next-step:2026-27:3', dueDate: '2026-10-01' }),
			status: 'done' as const,
			agreement: 'agreed' as const
		},
		{
			step: nextStep({ _id: 'next-step:2026-27:4', dueDate: '2027-03-01' }),
			status: 'open' as const,
			agreement: 'agreed' as const
		}
	];

	it('counts agreed, done and overdue (due before the date, not done)', () => {
		// On 23 Nov: step 1 (due 1 Nov) and step 2 (term 1 ended 23 Oct) are overdue; 3 is done.
		expect(countSteps(steps, year, '2026-11-23')).toEqual({
			agreed: 4,
			proposed: 0,
			disagreed: 0,
			done: 1,
			inProgress: 1,
			notStarted: 2,
			overdue: 2
		});
		expect(completionPercent(countSteps(steps, year, '2026-11-23'))).toBe(25);
		expect(stepStatusText(steps[1]!, year, '2026-11-23')).toBe('In progress (overdue)');
		expect(stepStatusText(steps[2]!, year, '2026-11-23')).toBe('Done');
	});
});

describe('key attainment figures', () => {
	it('takes each measure at its latest point with figures, with the disadvantaged gap', () => {
		const b = newAttainmentBooklet('oakfield', '2026-27', 'sil', now);
		// RWM: mid-year 18 of 30 = 60.0%; disadvantaged 5 of 10 = 50.0%; non-disadvantaged
		// nationally 67.0 → gap 50.0 − 67.0 = −17.0 points. National all pupils 61.0 → amber (1 below).
		b.cells['ks2-rwm-exs:all:autumn'] = { cohort: 30, count: 15 };
		b.cells['ks2-rwm-exs:all:mid-year'] = { cohort: 30, count: 18 };
		b.cells['ks2-rwm-exs:disadvantaged:mid-year'] = { cohort: 10, count: 5 };
		b.nationals['ks2-rwm-exs:all'] = 61;
		b.nationals['ks2-rwm-exs:non-disadvantaged'] = 67;
		const figures = keyFigures(b, DEFAULT_ATTAINMENT_FRAMEWORK, 5);
		expect(figures.map((f) => f.measureId)).toEqual([
			'eyfs-gld',
			'phonics-y1',
			'ks2-rwm-exs',
			'attendance',
			'persistent-absence',
			'suspensions'
		]);
		const rwm = figures[2]!;
		expect(rwm.pointLabel).toBe('Mid-year projection');
		expect(rwm.figure.display).toBe('60.0%');
		expect(rwm.gap).toMatchObject({ display: '−17.0', direction: 'worse' });
		expect(rwm.rag).toMatchObject({ rag: 'amber' });
		expect(figures[0]).toMatchObject({ pointLabel: null, figure: { kind: 'missing' } });
		expect(keyFigures(null, DEFAULT_ATTAINMENT_FRAMEWORK, 5)[2]?.figure.kind).toBe('missing');
	});

	it('counts persistent absence and suspensions among them, rated by the trust’s rule', () => {
		// The trust rates suspensions against the school's target: green at or below it, amber up
		// to 2 more, red beyond.
		const framework = {
			...DEFAULT_ATTAINMENT_FRAMEWORK,
			measures: DEFAULT_ATTAINMENT_FRAMEWORK.measures.map((m) =>
				m.id === 'suspensions' ? { ...m, rag: { against: 'target' as const, amberWithin: 2 } } : m
			)
		};
		const b = newAttainmentBooklet('oakfield', '2026-27', 'sil', now);
		// Persistent absence 17.5% of 210 pupils against 14.0% nationally: 3.5 points above, more
		// than the 2 points amber allows (lower is better) → red.
		b.cells['persistent-absence:all:autumn'] = { cohort: 210, value: 17.5 };
		b.nationals['persistent-absence:all'] = 14;
		// Suspensions: 4 so far against a target of 3 → 1 more, within 2 → amber.
		b.cells['suspensions:all:target'] = { cohort: 210, value: 3 };
		b.cells['suspensions:all:autumn'] = { cohort: 210, value: 4 };
		const figures = keyFigures(b, framework, 5);
		const pa = figures.find((f) => f.measureId === 'persistent-absence')!;
		expect(pa).toMatchObject({ pointLabel: 'Autumn', figure: { display: '17.5%' } });
		expect(pa.rag).toMatchObject({
			rag: 'red',
			label: 'Red: more than 2 percentage points above national'
		});
		const suspensions = figures.find((f) => f.measureId === 'suspensions')!;
		expect(suspensions.figure.display).toBe('4');
		// 4 of 210 pupils on roll: 1.904… per 100 → 1.9.
		expect(suspensions.rate).toBe('1.9 per 100 pupils');
		expect(suspensions.rag).toMatchObject({ rag: 'amber', label: 'Amber: up to 2 above target' });
		// A number of events has no disadvantaged gap: not one of "No data".
		expect(suspensions.gap).toBeNull();
		expect(pa.gap).not.toBeNull();
	});

	it('leaves persistent absence and suspensions out where the booklet records no attendance', () => {
		const framework = {
			...DEFAULT_ATTAINMENT_FRAMEWORK,
			measures: DEFAULT_ATTAINMENT_FRAMEWORK.measures.filter((m) => m.id !== 'attendance')
		};
		const ids = keyFigures(null, framework, 5).map((f) => f.measureId);
		expect(ids).toEqual(['eyfs-gld', 'phonics-y1', 'ks2-rwm-exs']);
	});
});

describe('the termly overview', () => {
	it('is assembled from the term’s agreed visits, next steps, figures and the CEO’s notes', () => {
		const s = school('st-aidans', '3', "St Aidan's");
		const v1 = visit({
			_id: 'visit:2026-27:t1:a',
			schoolId: 'st-aidans',
			term: 1,
			date: '2026-09-17',
			status: 'confirmed',
			evaluations: grades({ achievement: 'needs-attention', 'curriculum-teaching': 'expected' })
		});
		const v2 = visit({
			_id: 'visit:2026-27:t2:b',
			schoolId: 'st-aidans',
			term: 2,
			date: '2026-11-12',
			status: 'confirmed',
			safeguarding: 'met',
			evaluations: grades({ achievement: 'expected', 'curriculum-teaching': 'needs-attention' })
		});
		const v3 = visit({ _id: 'visit:2026-27:t2:c', term: 2, date: '2026-12-01', status: 'draft' });
		const steps = [
			{
				step: nextStep({ _id: 'next-step:2026-27:1', visitId: v2._id, dueDate: '2026-11-20' }),
				status: 'in-progress' as const,
				agreement: 'agreed' as const
			},
			{
				step: nextStep({ _id: 'next-step:2026-27:2', visitId: v1._id }),
				status: 'done' as const,
				agreement: 'agreed' as const
			}
		];
		const o = assembleOverview({
			school: s,
			year,
			term: 2,
			framework,
			visits: [v3, v2, v1],
			steps,
			booklet: null,
			attainmentFramework: DEFAULT_ATTAINMENT_FRAMEWORK,
			threshold: 5,
			overview: overview({ schoolId: 'st-aidans', commentary: 'Stretched' }),
			marks: [mark({ schoolId: 'st-aidans', markedOn: '2026-09-30', supportPlan: 'Weekly SIL' })],
			today: '2026-11-23'
		});
		expect(o.termName).toBe('Autumn 2');
		expect(o.asOf).toBe('2026-11-23');
		expect(o.categoryLabel).toBe('Requires improvement');
		const byArea = Object.fromEntries(o.evaluations.map((e) => [e.areaId, e]));
		expect(byArea['achievement']).toMatchObject({ agreedThisTerm: true, change: 'better' });
		expect(byArea['curriculum-teaching']).toMatchObject({ change: 'worse' });
		expect(byArea['inclusion']).toMatchObject({ grade: null, change: 'none' });
		expect(o.safeguarding).toEqual({ value: 'met', term: 2, date: '2026-11-12' });
		expect(o.visits.map((v) => v._id)).toEqual([v2._id, v3._id]);
		expect(o.awaitingAgreement).toBe(1);
		expect(o.steps).toMatchObject({ agreed: 2, done: 1, overdue: 1, agreedThisTerm: 1 });
		// The draft visit of 1 Dec has not taken place by 23 Nov: planned, not used.
		expect(o.siDays).toEqual({
			allowance: 7,
			planned: 3,
			used: 2,
			overPlanned: false,
			overUsed: false
		});
		expect(o.route).toMatchObject({ kind: 'vulnerable', mark: { supportPlan: 'Weekly SIL' } });
		// After the term ends, figures are counted to its last day.
		expect(assembleOverview({ ...baseInput(s), today: '2027-01-10' }).asOf).toBe('2026-12-18');
	});

	it('keeps the latest safeguarding agreed this year, not only this term’s', () => {
		const s = school('st-aidans', '3', "St Aidan's");
		const notMet = visit({
			_id: 'visit:2026-27:t1:a',
			schoolId: 'st-aidans',
			term: 1,
			date: '2026-09-17',
			status: 'confirmed',
			safeguarding: 'not-met'
		});
		// Term 2's confirmed visit did not look at safeguarding; a later one is not yet confirmed.
		const silent = visit({
			_id: 'visit:2026-27:t2:b',
			schoolId: 'st-aidans',
			term: 2,
			date: '2026-11-12',
			status: 'confirmed',
			safeguarding: null
		});
		const unconfirmed = visit({
			_id: 'visit:2026-27:t2:c',
			schoolId: 'st-aidans',
			term: 2,
			date: '2026-11-20',
			status: 'shared',
			safeguarding: 'met'
		});
		const o = (term: number, visits = [notMet, silent, unconfirmed]) =>
			assembleOverview({ ...baseInput(s), term, visits, today: '2026-11-23' }).safeguarding;
		expect(o(2)).toEqual({ value: 'not-met', term: 1, date: '2026-09-17' });
		expect(o(2, [silent, unconfirmed])).toBeNull();
		const metLater = visit({ ...silent, _id: 'visit:2026-27:t2:d', safeguarding: 'met' });
		expect(o(2, [notMet, metLater])).toEqual({ value: 'met', term: 2, date: '2026-11-12' });
	});

	it('counts a step agreed in the first minutes of the term, summer time, in the term', () => {
		const s = school('st-aidans', '3', "St Aidan's");
		// 00:30 on 2 September 2026, the first day of term 1, is 23:30 UTC on 1 September.
		const step = {
			step: nextStep({ _id: 'next-step:2026-27:9', createdAt: '2026-09-01T23:30:00.000Z' }),
			status: 'open' as const,
			agreement: 'agreed' as const
		};
		const o = assembleOverview({ ...baseInput(s), term: 1, steps: [step], today: '2026-09-10' });
		expect(o.steps.agreedThisTerm).toBe(1);
	});

	it('counts a step agreed without a visit in its own term only, not in an earlier one', () => {
		const s = school('st-aidans', '3', "St Aidan's");
		const agreedOn = (createdAt: string, n: number) => ({
			step: nextStep({ _id: `next-step:2026-27:${n}`, createdAt }),
			status: 'open' as const,
			agreement: 'agreed' as const
		});
		// Term 1 runs to 23 October 2026; term 2 starts on 2 November, term 3 on 5 January.
		const steps = [
			agreedOn('2026-10-01T10:00:00.000Z', 1),
			agreedOn('2026-10-28T10:00:00.000Z', 2),
			agreedOn('2026-11-10T10:00:00.000Z', 3),
			agreedOn('2027-01-12T10:00:00.000Z', 4)
		];
		const agreed = (term: number) =>
			assembleOverview({ ...baseInput(s), term, steps, today: '2027-03-01' }).steps.agreedThisTerm;
		expect([agreed(1), agreed(2), agreed(3)]).toEqual([2, 1, 1]);
	});

	function baseInput(s: School) {
		return {
			school: s,
			year,
			term: 2,
			framework,
			visits: [],
			steps: [],
			booklet: null,
			attainmentFramework: DEFAULT_ATTAINMENT_FRAMEWORK,
			threshold: 5,
			overview: null,
			marks: [],
			today: '2026-11-23'
		};
	}
});

describe('the trust dashboard', () => {
	const confirmed = (schoolId: string, term: number, g: Record<string, string>) =>
		visit({
			_id: `visit:2026-27:t${term}:${schoolId}`,
			schoolId,
			term,
			date: term === 1 ? '2026-09-20' : '2026-11-20',
			status: 'confirmed',
			evaluations: grades(g)
		});
	const schools: DashboardSchool[] = [
		{
			school: school('a', '1', 'Alpha'),
			visits: [confirmed('a', 2, { achievement: 'strong' })],
			steps: [],
			overview: null,
			marks: []
		},
		{
			school: school('b', '2a', 'Beta'),
			visits: [
				confirmed('b', 1, { achievement: 'expected' }),
				confirmed('b', 2, { achievement: 'needs-attention' })
			],
			steps: [],
			overview: null,
			marks: []
		},
		{ school: school('c', '3', 'Gamma'), visits: [], steps: [], overview: null, marks: [] },
		{
			school: school('d', '3', 'Delta'),
			visits: [confirmed('d', 1, { achievement: 'urgent-improvement', inclusion: 'strong' })],
			steps: [],
			overview: null,
			marks: [mark({ schoolId: 'd', markedOn: '2026-10-01' })]
		}
	];

	it('puts the weakest first and schools with nothing agreed last', () => {
		const rows = dashboardGrid(schools, framework, year, 2, '2026-11-23');
		// Delta's worst is urgent improvement (1), Beta's needs attention (0.75), Alpha's strong.
		expect(rows.map((r) => r.school.name)).toEqual(['Delta', 'Beta', 'Alpha', 'Gamma']);
		const beta = rows[1]!.cells.find((c) => c.areaId === 'achievement');
		expect(beta).toMatchObject({ change: 'worse', grade: { label: 'Needs attention' } });
		const alpha = rows[2]!.cells.find((c) => c.areaId === 'achievement');
		expect(alpha?.change).toBe('new');
		const delta = rows[0]!.cells.find((c) => c.areaId === 'achievement');
		expect(delta?.change).toBe('same');
		expect(rows[0]!.vulnerable).toBe(true);
		expect(rows[0]!.mean).toBe((1 + 0.25) / 2);
	});

	it('flags safeguarding found not met at the latest confirmed visit, first, until one finds it met', () => {
		const withSafeguarding = (term: number, safeguarding: 'met' | 'not-met' | null) => ({
			...confirmed('e', term, { achievement: 'expected' }),
			safeguarding
		});
		const epsilon = (visits: DashboardSchool['visits']) =>
			dashboardGrid(
				[{ school: school('e', '2a', 'Epsilon'), visits, steps: [], openConcerns: 1 }],
				framework,
				year,
				2,
				'2026-11-23'
			)[0]!.attention.map((f) => f.text);
		// Term 1 found it not met; term 2's confirmed visit did not look at it.
		expect(epsilon([withSafeguarding(1, 'not-met'), withSafeguarding(2, null)])).toEqual([
			'Safeguarding not met at the latest visit',
			'1 open concern'
		]);
		expect(epsilon([withSafeguarding(1, 'not-met'), withSafeguarding(2, 'met')])).toEqual([
			'1 open concern'
		]);
		// A record the head has not confirmed does not count, either way.
		const shared = { ...withSafeguarding(2, 'not-met'), status: 'shared' as const };
		expect(epsilon([withSafeguarding(1, 'met'), shared])).toEqual(['1 open concern']);
	});

	it('shows safeguarding beside the areas as the flag reads it: the latest agreed this year, up to the term', () => {
		const at = (term: number, safeguarding: 'met' | 'not-met' | null, over = {}) => ({
			...confirmed('e', term, { achievement: 'expected' }),
			safeguarding,
			...over
		});
		const cell = (visits: DashboardSchool['visits'], term = 2) => {
			const [row] = dashboardGrid(
				[{ school: school('e', '2a', 'Epsilon'), visits, steps: [], sils: 1 }],
				framework,
				year,
				term,
				'2026-11-23'
			);
			const words = row!.safeguarding ? SAFEGUARDING_LABELS[row!.safeguarding.value] : null;
			// The column and the first flag never disagree.
			expect(row!.attention[0]?.kind === 'safeguarding').toBe(words === 'Not met');
			return words;
		};
		expect(cell([at(1, 'met'), at(2, 'not-met')])).toBe('Not met');
		// Term 2's visit did not look at it: term 1's judgement stands.
		expect(cell([at(1, 'not-met'), at(2, null)])).toBe('Not met');
		expect(cell([at(1, 'not-met'), at(2, 'met')])).toBe('Met');
		// Up to the term chosen; a record the head has not confirmed does not count.
		expect(cell([at(1, 'met'), at(2, 'not-met')], 1)).toBe('Met');
		expect(cell([at(1, 'met'), at(2, 'not-met', { status: 'shared' })])).toBe('Met');
		// Nothing agreed this year: the cell says so, as an area's does.
		expect(cell([at(2, null)])).toBeNull();
		expect(cell([at(1, 'not-met', { year: '2025-26' })])).toBeNull();
		expect(cell([])).toBeNull();
	});

	it('has a safeguarding column where the framework judges it, or a school has a judgement agreed', () => {
		const f2019: EvaluationFramework = {
			...OFSTED_2019,
			_id: 'framework:ofsted-2019',
			schemaVersion: SCHEMA_VERSION,
			type: 'evaluation-framework'
		};
		const at2019 = (safeguarding: 'met' | 'not-met' | null) => ({
			...confirmed('e', 2, { 'quality-of-education': 'good' }),
			frameworkId: 'ofsted-2019',
			safeguarding
		});
		const rows = (f: EvaluationFramework, visits: DashboardSchool['visits']) =>
			dashboardGrid(
				[{ school: school('e', '2a', 'Epsilon'), visits, steps: [] }],
				f,
				year,
				2,
				'2026-11-23'
			);
		// The 2025 report card judges it: the column is there, though nothing is agreed yet.
		expect(safeguardingShown(framework, rows(framework, []))).toBe(true);
		// The 2019 framework has no such judgement: no column while no record has one.
		expect(safeguardingShown(f2019, rows(f2019, [at2019(null)]))).toBe(false);
		// One agreed all the same is flagged, and shown beside the flag.
		expect(safeguardingShown(f2019, rows(f2019, [at2019('not-met')]))).toBe(true);
	});

	it('flags the areas last agreed as urgent improvement, second after safeguarding, until a later grade is better', () => {
		const at = (term: number, g: Record<string, string>, over: Partial<VisitRecord> = {}) => ({
			...confirmed('e', term, g),
			_id: `visit:2026-27:t${term}:e${over.date ?? ''}`,
			safeguarding: null,
			...over
		});
		const epsilon = (visits: DashboardSchool['visits'], term = 2) =>
			dashboardGrid(
				[{ school: school('e', '2a', 'Epsilon'), visits, steps: [], openConcerns: 1, sils: 1 }],
				framework,
				year,
				term,
				'2026-11-23'
			)[0]!.attention.map((f) => f.text);
		// Achievement agreed in term 1, inclusion in term 2: named in the framework's order.
		const t1 = at(1, { achievement: 'urgent-improvement', inclusion: 'strong' });
		const t2 = at(2, { inclusion: 'urgent-improvement', 'curriculum-teaching': 'needs-attention' });
		expect(epsilon([t1, t2])).toEqual([
			'Urgent improvement: Inclusion, Achievement',
			'1 open concern'
		]);
		// After safeguarding not met, before everything else.
		expect(epsilon([t1, { ...t2, safeguarding: 'not-met' }])).toEqual([
			'Safeguarding not met at the latest visit',
			'Urgent improvement: Inclusion, Achievement',
			'1 open concern'
		]);
		// A later confirmed visit that agrees a better grade takes the area off; one the head has not
		// confirmed does not, and neither does a visit of a later term.
		const better = at(2, { achievement: 'needs-attention' }, { date: '2026-11-21' });
		expect(epsilon([t1, t2, better])).toEqual(['Urgent improvement: Inclusion', '1 open concern']);
		expect(epsilon([t1, t2, { ...better, status: 'shared' }])).toEqual([
			'Urgent improvement: Inclusion, Achievement',
			'1 open concern'
		]);
		expect(epsilon([t1], 1)).toEqual(['Urgent improvement: Achievement', '1 open concern']);
		// Needs attention is not a category: nothing flagged for it.
		expect(epsilon([at(2, { achievement: 'needs-attention' })])).toEqual(['1 open concern']);
	});

	it('flags the 2019 framework’s inadequate alike, in its own word', () => {
		const f2019: EvaluationFramework = {
			...OFSTED_2019,
			_id: 'framework:ofsted-2019',
			schemaVersion: SCHEMA_VERSION,
			type: 'evaluation-framework'
		};
		const graded = (g: Record<string, string>) => ({
			...confirmed('e', 2, g),
			frameworkId: 'ofsted-2019',
			safeguarding: null
		});
		const flags = (g: Record<string, string>) =>
			dashboardGrid(
				[{ school: school('e', '2a', 'Epsilon'), visits: [graded(g)], steps: [], sils: 1 }],
				f2019,
				year,
				2,
				'2026-11-23'
			)[0]!.attention;
		expect(flags({ 'quality-of-education': 'inadequate', 'early-years': 'good' })).toEqual([
			{ kind: 'category-grade', text: 'Inadequate: Quality of education' }
		]);
		expect(flags({ 'quality-of-education': 'requires-improvement' })).toEqual([]);
	});

	it('flags a school exactly when an area’s grade on the heat map is the lowest of the scale', () => {
		const f2019: EvaluationFramework = {
			...OFSTED_2019,
			_id: 'framework:ofsted-2019',
			schemaVersion: SCHEMA_VERSION,
			type: 'evaluation-framework'
		};
		const withFramework = fc.constantFrom(framework, f2019).chain((f) =>
			fc.tuple(
				fc.constant(f),
				fc.array(
					fc.record({
						term: fc.constantFrom(1, 2, 3),
						day: fc.integer({ min: 1, max: 28 }),
						status: fc.constantFrom('confirmed', 'shared') as fc.Arbitrary<VisitRecord['status']>,
						grades: fc.dictionary(
							fc.constantFrom(...f.areas.map((a) => a.id)),
							fc.constantFrom(...f.scale.map((g) => g.id))
						)
					}),
					{ maxLength: 5 }
				)
			)
		);
		fc.assert(
			fc.property(withFramework, ([f, drawn]) => {
				const visits = drawn.map((v, i) => ({
					...confirmed('e', v.term, v.grades),
					_id: `visit:2026-27:t${v.term}:e${i}`,
					date: `2026-${String(8 + v.term).padStart(2, '0')}-${String(v.day).padStart(2, '0')}`,
					status: v.status,
					frameworkId: f.id,
					safeguarding: null
				}));
				const [row] = dashboardGrid(
					[{ school: school('e', '2a', 'Epsilon'), visits, steps: [], sils: 1 }],
					f,
					year,
					2,
					'2026-11-23'
				);
				const lowest = f.scale.at(-1)!;
				const areas = row!.cells
					.filter((c) => c.grade?.position === 1)
					.map((c) => f.areas.find((a) => a.id === c.areaId)!.label);
				const flag = row!.attention.find((x) => x.kind === 'category-grade');
				if (areas.length === 0) expect(flag).toBeUndefined();
				else expect(flag?.text).toBe(`${lowest.label}: ${areas.join(', ')}`);
			})
		);
	});

	it('leaves out a school closed before the term, and flags nothing at one closed during it', () => {
		const closedOn = (on: string): DashboardSchool => ({
			school: {
				...school('z', '3', 'Zeta'),
				closed: { on, reason: 'Left the trust', by: 'admin', at: `${on}T09:00:00.000Z` }
			},
			visits: [],
			steps: [],
			openConcerns: 1,
			sils: 0
		});
		const zeta = (on: string, term: number) =>
			dashboardGrid([closedOn(on)], framework, year, term, '2026-11-23').map((r) =>
				r.attention.map((f) => f.text)
			);
		// Closed on the last day of term 1: gone from term 2, which began after.
		expect(zeta('2026-10-23', 2)).toEqual([]);
		// Closed during term 2: shown, with nothing flagged, though it has no visit, no SIL and a
		// concern still open.
		expect(zeta('2026-11-10', 2)).toEqual([[]]);
		// In term 1 it was open: flagged as any school is.
		expect(zeta('2026-11-10', 1)).toEqual([
			['1 open concern', 'No SIL assigned', 'No visit this term']
		]);
	});

	it('filters by category and strand', () => {
		const cat3 = dashboardGrid(schools, framework, year, 2, '2026-11-23', { category: '3' });
		expect(cat3.map((r) => r.school.name)).toEqual(['Delta', 'Gamma']);
		const prev = dashboardGrid(schools, framework, year, 2, '2026-11-23', {
			strand: 'preventative'
		});
		expect(prev.map((r) => r.school.name)).toEqual(['Beta', 'Alpha']);
	});
});
