import { describe, expect, it } from 'vitest';
import { admin, head, sil, visit } from '../../../tests/unit/fixtures';
import { SCHEMA_VERSION } from './common';
import { OFSTED_2019, OFSTED_2025 } from './evaluation';
import { validateDocUpdate } from './rules';
import { planningPastAllowance, plannedDaysFor, siDays } from './si-days';
import { TrustSettings, VisitCalendar, type VisitCalendar as Calendar } from './trust';
import { VisitRecord } from './visit';
import {
	bookletStart,
	DEFAULT_SI_DAYS_COUNTING,
	siDaysCounting,
	termFocusAreas,
	visitTypeLabel,
	visitTypeOf
} from './visit-types';

// Issue 15: the visit types of the SI menu, their booklet presets, the calendar's termly focus and
// which types count against a school's SI days allowance.

const term = (n: number, focusAreas?: string[]) => ({
	term: n,
	focus: `Focus of term ${n}`,
	documents: [`Document for term ${n}`],
	completedOnDay: ['SI discussion record booklet'],
	activities: [`Activity for term ${n}`],
	...(focusAreas ? { focusAreas } : {})
});
const calendar = (
	terms = [1, 2, 3, 4, 5, 6].map((n) => term(n)) as Calendar['terms']
): Calendar => ({
	_id: 'visit-calendar',
	schemaVersion: SCHEMA_VERSION,
	type: 'visit-calendar',
	terms
});

describe('termly focus: a new booklet’s discussion areas', () => {
	it('follow the season of the term in the report card’s areas when the calendar lists none', () => {
		const c = calendar();
		const autumn = ['Achievement', 'Attendance and behaviour'];
		const spring = ['Curriculum and teaching', 'Personal development and well-being', 'Inclusion'];
		const summer = ['Early years', 'Leadership and governance'];
		expect(termFocusAreas(c, 1, OFSTED_2025)).toEqual(autumn);
		expect(termFocusAreas(c, 2, OFSTED_2025)).toEqual(autumn);
		expect(termFocusAreas(c, 3, OFSTED_2025)).toEqual(spring);
		expect(termFocusAreas(c, 4, OFSTED_2025)).toEqual(spring);
		expect(termFocusAreas(c, 5, OFSTED_2025)).toEqual(summer);
		expect(termFocusAreas(c, 6, OFSTED_2025)).toEqual(summer);
		// Each is an area the record's evaluations below are given in.
		const labels = OFSTED_2025.areas.map((a) => a.label);
		for (const t of [1, 3, 5]) {
			for (const area of termFocusAreas(c, t, OFSTED_2025)) expect(labels).toContain(area);
		}
		// No calendar, or no framework, on the device yet: the report card, the default.
		expect(termFocusAreas(null, 3, OFSTED_2025)).toEqual(spring);
		expect(termFocusAreas(c, 1, null)).toEqual(autumn);
	});

	it('keep the SEF’s sections for a trust evaluating against the 2019 framework', () => {
		const c = calendar();
		expect(termFocusAreas(c, 1, OFSTED_2019)).toEqual([
			'Overall effectiveness',
			'Behaviour and attitudes'
		]);
		expect(termFocusAreas(c, 4, OFSTED_2019)).toEqual([
			'Quality of education',
			'Personal development'
		]);
		expect(termFocusAreas(c, 6, OFSTED_2019)).toEqual(['Early years', 'Leadership and management']);
	});

	it('are worded as the framework on the device words its areas', () => {
		const worded = {
			id: 'ofsted-2025',
			areas: OFSTED_2025.areas.map((a) =>
				a.id === 'achievement' ? { ...a, label: 'Achievement and outcomes' } : a
			)
		};
		expect(termFocusAreas(calendar(), 2, worded)).toEqual([
			'Achievement and outcomes',
			'Attendance and behaviour'
		]);
		// A framework of the trust's own, which the rhythm does not know: the report card's.
		const own = { id: 'trust-own', areas: [{ id: 'reading', label: 'Reading' }] };
		expect(termFocusAreas(calendar(), 5, own)).toEqual([
			'Early years',
			'Leadership and governance'
		]);
	});

	it('are the calendar’s own where the trust has set them for the term, whatever the framework', () => {
		const terms = calendar().terms.map((t) => (t.term === 3 ? term(3, ['Reading', 'SMSC']) : t));
		for (const f of [OFSTED_2025, OFSTED_2019]) {
			expect(termFocusAreas(calendar(terms), 3, f)).toEqual(['Reading', 'SMSC']);
		}
		expect(termFocusAreas(calendar(terms), 4, OFSTED_2019)).toEqual([
			'Quality of education',
			'Personal development'
		]);
	});

	it('start a termly visit, with the term’s focus, documents and activities from the calendar', () => {
		expect(bookletStart('termly', calendar(), 3, OFSTED_2025)).toEqual({
			focus: 'Focus of term 3',
			areas: ['Curriculum and teaching', 'Personal development and well-being', 'Inclusion'],
			documents: ['Document for term 3'],
			activities: ['Activity for term 3'],
			evaluations: true
		});
		expect(bookletStart('termly', calendar(), 3, OFSTED_2019).areas).toEqual([
			'Quality of education',
			'Personal development'
		]);
	});
});

describe('booklet presets by visit type', () => {
	it('start a SEND review with SEND areas, not the term’s focus, and no grades of the framework', () => {
		const send = bookletStart('send', calendar(), 3, OFSTED_2025);
		expect(send.areas).toEqual([
			'Identification and assessment of needs',
			'Provision and adaptations in lessons',
			'Outcomes for pupils with SEND',
			'Working with families and other services'
		]);
		expect(send.documents).toContain('SEND report');
		expect(send.activities).toContain('Meeting with the SENCo');
		expect(send.focus).toMatch(/^SEND review/);
		expect(send.evaluations).toBe(false);
	});

	it('start a pupil premium review with the disadvantaged pupils’ areas and strategy', () => {
		const pp = bookletStart('pupil-premium', calendar(), 1, OFSTED_2019);
		expect(pp.areas).toContain('Outcomes of disadvantaged pupils');
		expect(pp.documents).toContain('Pupil premium strategy');
		expect(pp.areas).not.toContain('Overall effectiveness');
	});

	it('leave extra support the school asked for blank, to be written with the school', () => {
		expect(bookletStart('extra-support', calendar(), 2, OFSTED_2025)).toEqual({
			focus: '',
			areas: [],
			documents: [],
			activities: [],
			evaluations: false
		});
	});

	it('give every review areas of its own and the framework’s evaluations where it judges the school', () => {
		for (const type of ['teaching-learning', 'leadership', 'qa', 'peer'] as const) {
			const s = bookletStart(type, calendar(), 5, OFSTED_2025);
			expect(s.areas.length, type).toBeGreaterThan(0);
			expect(s.areas, type).not.toEqual(['Early years', 'Leadership and governance']);
			expect(s.evaluations, type).toBe(true);
		}
	});

	it('plan a termly visit for its share of the six and any other visit for a day', () => {
		expect(plannedDaysFor({ category: '2a' }, 'termly')).toBe(0.5);
		expect(plannedDaysFor({ category: '2a' }, 'send')).toBe(1);
		expect(plannedDaysFor({ category: '4' }, 'peer')).toBe(1);
	});

	it('read a record written before types as a termly SI visit', () => {
		const old = visit();
		expect(old.visitType).toBeUndefined();
		expect(VisitRecord.parse(old).visitType).toBeUndefined();
		expect(visitTypeOf(old)).toBe('termly');
		expect(visitTypeLabel(old)).toBe('Termly SI visit');
		expect(visitTypeLabel(visit({ visitType: 'send' }))).toBe('SEND review');
	});
});

describe('SI days by visit type', () => {
	// Hawthorn, category 2b: up to 5 days. Worked by hand:
	//   termly, confirmed 24 Sep, 1 day      -> planned and used
	//   SEND review, confirmed 8 Oct, 1 day  -> planned and used (reviews count)
	//   peer review, confirmed 5 Nov, 2 days -> neither (a peer review does not count by default)
	//   extra support, planned 14 Jan, 1 day -> planned only
	// planned = 1 + 1 + 1 = 3; used on 23 Nov = 1 + 1 = 2.
	const hawthorn = { category: '2b' as const };
	const visits = [
		visit({ date: '2026-09-24', daysUsed: 1, status: 'confirmed' }),
		visit({ date: '2026-10-08', daysUsed: 1, status: 'confirmed', visitType: 'send' }),
		visit({ date: '2026-11-05', daysUsed: 2, status: 'confirmed', visitType: 'peer' }),
		visit({ date: '2027-01-14', daysUsed: 1, status: 'planned', visitType: 'extra-support' })
	];

	it('counts the termly visit, reviews and extra support, and not a peer review, by default', () => {
		expect(siDays(hawthorn, visits, '2026-11-23', DEFAULT_SI_DAYS_COUNTING)).toEqual({
			allowance: 5,
			planned: 3,
			used: 2,
			overPlanned: false,
			overUsed: false
		});
	});

	it('counts as the trust sets: SEND reviews left out, peer reviews counted', () => {
		// planned = 1 (termly) + 2 (peer) + 1 (extra support) = 4; used = 1 + 2 = 3.
		const counting = siDaysCounting({ siDaysCounting: { send: false, peer: true } });
		expect(counting.termly).toBe(true);
		expect(siDays(hawthorn, visits, '2026-11-23', counting)).toMatchObject({
			planned: 4,
			used: 3
		});
	});

	it('never warns about the allowance for a visit of a type the trust does not count', () => {
		// Oakfield (2a, up to 3) with 3 days planned already: one more termly day goes past it.
		const full = [1, 2, 3].map((i) => visit({ date: `2026-10-0${i}`, daysUsed: 1 }));
		const oakfield = { category: '2a' as const };
		const counting = DEFAULT_SI_DAYS_COUNTING;
		expect(planningPastAllowance(oakfield, full, 1, '2026-11-23', counting)).toMatchObject({
			past: true,
			counted: true,
			after: { planned: 4 }
		});
		expect(planningPastAllowance(oakfield, full, 1, '2026-11-23', counting, 'peer')).toMatchObject({
			past: false,
			counted: false,
			after: { planned: 3 }
		});
	});
});

describe('the rules on visit types and the trust’s counting', () => {
	it('let the visitor plan and change a visit’s type, and refuse a type not on the menu', () => {
		const planned = visit({ status: 'planned', visitType: 'send' });
		expect(validateDocUpdate(planned, null, sil, 'school-oakfield')).toEqual({ ok: true });
		expect(
			validateDocUpdate({ ...planned, visitType: 'peer' }, planned, sil, 'school-oakfield')
		).toEqual({ ok: true });
		const bad = validateDocUpdate(
			{ ...planned, visitType: 'ofsted-inspection' },
			planned,
			sil,
			'school-oakfield'
		);
		expect(bad).toMatchObject({ ok: false, error: 'forbidden' });
		expect(bad.ok ? '' : bad.reason).toMatch(/visitType/);
	});

	it('refuse a headteacher changing the type of a visit shared with them', () => {
		const shared = visit({ status: 'shared', visitType: 'send' });
		expect(
			validateDocUpdate({ ...shared, visitType: 'peer' }, shared, head, 'school-oakfield')
		).toMatchObject({ ok: false, error: 'forbidden' });
	});

	const settings: TrustSettings = {
		_id: 'settings',
		schemaVersion: SCHEMA_VERSION,
		type: 'trust-settings',
		name: 'Riverside Learning Trust',
		evaluationFrameworkId: 'ofsted-2025',
		suppressionThreshold: 6,
		headsMayEnterFigures: false
	};

	it('let an administrator set which types count, and no one else', () => {
		const next = { ...settings, siDaysCounting: { peer: true, send: false } };
		expect(validateDocUpdate(next, settings, admin, 'trust')).toEqual({ ok: true });
		expect(validateDocUpdate(next, settings, sil, 'trust')).toMatchObject({ ok: false });
	});

	it('refuse a counting of a type not on the menu, or a count that is not yes or no', () => {
		for (const siDaysCounting of [{ inspection: true }, { peer: 'no' }, { send: 1 }]) {
			const verdict = validateDocUpdate({ ...settings, siDaysCounting }, settings, admin, 'trust');
			expect(verdict, JSON.stringify(siDaysCounting)).toMatchObject({
				ok: false,
				error: 'forbidden'
			});
		}
	});

	it('accept a calendar term’s discussion areas, and refuse an empty one', () => {
		const c = calendar();
		const withAreas = calendar(c.terms.map((t) => (t.term === 3 ? term(3, ['Reading']) : t)));
		expect(VisitCalendar.safeParse(withAreas).success).toBe(true);
		expect(validateDocUpdate(withAreas, c, admin, 'trust')).toEqual({ ok: true });
		const empty = calendar(c.terms.map((t) => (t.term === 3 ? term(3, ['  ']) : t)));
		expect(validateDocUpdate(empty, c, admin, 'trust')).toMatchObject({ ok: false });
	});
});
