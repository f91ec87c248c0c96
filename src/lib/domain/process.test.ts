import { describe, expect, it } from 'vitest';
import { ceo, head, nextStep, now, sil, visit, year } from '../../../tests/unit/fixtures';
import { SCHEMA_VERSION } from './common';
import { stepAgreement, agreementsOf } from './agreement';
import { countSteps, stepStatusText } from './overview';
import { validateDocUpdate } from './rules';
import { defaultVisitDays, planningPastAllowance, siDays, siDaysText } from './si-days';
import { DEFAULT_SI_DAYS_COUNTING as COUNTING } from './visit-types';
import { schoolRoute, vulnerableOn, VulnerableMark } from './vulnerable';

// Hand-worked cases for the three rules of issue 15 that every screen and report reads.

describe('SI days: planned and used against the allowance', () => {
	const oakfield = { category: '2a' as const }; // up to 3 days
	const visits = [
		visit({ date: '2026-09-24', daysUsed: 1, status: 'confirmed' }),
		visit({ date: '2026-11-19', daysUsed: 1, status: 'shared' }),
		// Planned and not yet begun: booked, not used.
		visit({ date: '2027-01-14', daysUsed: 1, status: 'planned' }),
		visit({ date: '2027-03-10', daysUsed: 1, status: 'planned' })
	];

	it('counts only visits that took place as used, and every booked visit as planned', () => {
		// Oakfield on 23 Nov: 2 visits took place (2 days); 4 are booked (4 days) against 3.
		expect(siDays(oakfield, visits, '2026-11-23', COUNTING)).toEqual({
			allowance: 3,
			planned: 4,
			used: 2,
			overPlanned: true,
			overUsed: false
		});
		expect(siDaysText(siDays(oakfield, visits, '2026-11-23', COUNTING))).toEqual({
			planned: 'Planned: 4 days of up to 3 (1 day over the allowance); 2 days still to come',
			used: 'Used: 2 days of up to 3'
		});
	});

	it('says the days once when nothing more is planned, not the same figure twice', () => {
		const done = siDays(oakfield, visits.slice(0, 2), '2026-11-23', COUNTING);
		expect(siDaysText(done)).toEqual({ planned: null, used: 'Used: 2 days of up to 3' });
		// Past the allowance, the one line says so.
		const more = [
			...visits.slice(0, 2),
			visit({ date: '2026-10-08', daysUsed: 2, status: 'shared' })
		];
		expect(siDaysText(siDays(oakfield, more, '2026-11-23', COUNTING))).toEqual({
			planned: null,
			used: 'Used: 4 days of up to 3 (1 day over the allowance)'
		});
		const quarter = [visit({ date: '2026-09-24', daysUsed: 0.75, status: 'confirmed' })];
		const half = visit({ date: '2027-01-14', daysUsed: 0.5, status: 'planned' });
		expect(siDaysText(siDays(oakfield, [...quarter, half], '2026-11-23', COUNTING)).planned).toBe(
			'Planned: 1.25 days of up to 3; 0.5 days still to come'
		);
	});

	it('does not count a begun record whose day has not come, nor a planned one whose day passed', () => {
		const early = [
			visit({ date: '2026-12-01', daysUsed: 0.5, status: 'draft' }),
			visit({ date: '2026-10-01', daysUsed: 0.75, status: 'planned' })
		];
		expect(siDays({ category: '3' }, early, '2026-11-23', COUNTING)).toMatchObject({
			planned: 1.25,
			used: 0
		});
		expect(siDays({ category: '3' }, early, '2026-12-01', COUNTING).used).toBe(0.5);
	});

	it('says before planning whether one more visit goes past the allowance', () => {
		const two = visits.slice(0, 2);
		expect(planningPastAllowance(oakfield, two, 1, '2026-11-23', COUNTING)).toMatchObject({
			past: false,
			after: { planned: 3 }
		});
		expect(
			planningPastAllowance(oakfield, visits.slice(0, 3), 0.5, '2026-11-23', COUNTING)
		).toMatchObject({
			past: true,
			after: { planned: 3.5 }
		});
	});

	it('plans the calendar’s six visits within the allowance of categories 1 and 2a', () => {
		expect(defaultVisitDays({ category: '1' })).toBe(0.5);
		expect(defaultVisitDays({ category: '2a' })).toBe(0.5);
		// 5 / 6 = 0.83, down to three quarters of a day.
		expect(defaultVisitDays({ category: '2b' })).toBe(0.75);
		expect(defaultVisitDays({ category: '3' })).toBe(1);
		expect(defaultVisitDays({ category: '4' })).toBe(1);
		expect(6 * defaultVisitDays({ category: '2a' })).toBeLessThanOrEqual(3);
	});
});

describe('next steps: proposed until the headteacher agrees', () => {
	const draft = visit({ _id: 'visit:2026-27:t2:d', status: 'draft' });
	const shared = visit({ _id: 'visit:2026-27:t2:s', status: 'shared' });
	const confirmed = visit({ _id: 'visit:2026-27:t1:c', status: 'confirmed' });
	const reply = (agrees: boolean, reason = '') => ({
		by: 'head.oakfield',
		at: now,
		agrees,
		reason
	});

	it('is agreed only once the head confirms its record or agrees with the step itself', () => {
		expect(stepAgreement(nextStep({ visitId: draft._id }), draft)).toBe('proposed');
		expect(stepAgreement(nextStep({ visitId: shared._id }), shared)).toBe('proposed');
		expect(stepAgreement(nextStep({ visitId: confirmed._id }), confirmed)).toBe('agreed');
		// A step recorded outside a visit, or whose visit is not on the device, waits for a reply.
		expect(stepAgreement(nextStep({ visitId: undefined }), undefined)).toBe('proposed');
		expect(stepAgreement(nextStep({ visitId: shared._id }), undefined)).toBe('proposed');
		expect(stepAgreement(nextStep({ headReply: reply(true) }), shared)).toBe('agreed');
	});

	it('is not agreed when the head disagrees, even on a confirmed record', () => {
		const step = nextStep({ visitId: confirmed._id, headReply: reply(false, 'Too soon') });
		expect(stepAgreement(step, confirmed)).toBe('disagreed');
	});

	it('counts only agreed steps as agreed, done, in progress or overdue', () => {
		const steps = [
			nextStep({ _id: 'next-step:2026-27:1', visitId: confirmed._id, dueDate: '2026-11-01' }),
			nextStep({ _id: 'next-step:2026-27:2', visitId: draft._id, dueDate: '2026-11-01' }),
			nextStep({ _id: 'next-step:2026-27:3', visitId: shared._id, dueDate: '2026-11-01' }),
			nextStep({
				_id: 'next-step:2026-27:4',
				visitId: confirmed._id,
				dueDate: '2026-11-01',
				headReply: reply(false, 'We agreed a different owner')
			})
		];
		const agreement = agreementsOf(steps, [draft, shared, confirmed]);
		const withStatus = steps.map((step) => ({
			step,
			status: 'open' as const,
			agreement: agreement.get(step._id)!
		}));
		// All four are due 1 Nov and not started; on 23 Nov only the agreed one is overdue.
		expect(countSteps(withStatus, year, '2026-11-23')).toEqual({
			agreed: 1,
			proposed: 2,
			disagreed: 1,
			done: 0,
			inProgress: 0,
			notStarted: 1,
			overdue: 1
		});
		expect(stepStatusText(withStatus[1]!, year, '2026-11-23')).toBe(
			'Proposed: waiting for the headteacher'
		);
		expect(stepStatusText(withStatus[3]!, year, '2026-11-23')).toBe('The headteacher disagrees');
	});
});

function mark(over: Partial<VulnerableMark> = {}): VulnerableMark {
	return {
		_id: 'vulnerable:a',
		schemaVersion: SCHEMA_VERSION,
		type: 'vulnerable-mark',
		schoolId: 'st-aidans',
		markedOn: '2026-10-05',
		markedBy: 'ceo',
		reason: 'Phonics outcomes fell',
		meetingOn: '2026-10-08',
		meetingNotes: 'Met the head',
		supportPlan: 'Weekly SIL support',
		updatedBy: 'ceo',
		updatedAt: now,
		...over
	};
}

describe('the vulnerable route', () => {
	const removed = mark({
		removed: { by: 'ceo', at: now, on: '2027-03-31', reason: 'Outcomes back in line' }
	});

	it('keeps the mark from the day it is made until the day it is removed', () => {
		expect(vulnerableOn([removed], '2026-10-04')).toBeNull();
		expect(vulnerableOn([removed], '2026-10-05')?.reason).toBe('Phonics outcomes fell');
		// Any later term, whatever its overview says, until the CEO removes the mark.
		expect(vulnerableOn([removed], '2027-02-10')).not.toBeNull();
		expect(vulnerableOn([removed], '2027-03-30')).not.toBeNull();
		// Removed on 31 Mar: back on the annual cycle that day, with the mark that ended.
		expect(schoolRoute([removed], '2027-03-31')).toEqual({ kind: 'annual', last: removed });
		expect(schoolRoute([], '2027-03-31')).toEqual({ kind: 'annual', last: null });
	});

	it('takes the later of two marks, and a new mark after one was removed', () => {
		const again = mark({ _id: 'vulnerable:b', markedOn: '2027-05-01', reason: 'Leadership' });
		expect(vulnerableOn([again, removed], '2027-04-15')).toBeNull();
		expect(vulnerableOn([again, removed], '2027-05-02')?.reason).toBe('Leadership');
	});

	it('needs a reason and a support plan, and cannot be removed before it was made', () => {
		expect(VulnerableMark.safeParse(mark()).success).toBe(true);
		expect(VulnerableMark.safeParse(mark({ supportPlan: '' })).error?.issues[0]?.message).toBe(
			'a school marked vulnerable needs a support plan'
		);
		const early = mark({ removed: { by: 'ceo', at: now, on: '2026-10-01', reason: 'x' } });
		expect(VulnerableMark.safeParse(early).success).toBe(false);
	});

	it('is the CEO’s alone, kept when removed, and never deleted', () => {
		const DB = 'school-st-aidans';
		expect(validateDocUpdate(mark(), null, ceo, DB).ok).toBe(true);
		expect(validateDocUpdate(mark(), null, head, DB).ok).toBe(false);
		expect(validateDocUpdate(mark(), null, sil, DB).ok).toBe(false);
		expect(validateDocUpdate(mark({ markedBy: 'other' }), null, ceo, DB).ok).toBe(false);
		expect(validateDocUpdate(removed, mark(), ceo, DB).ok).toBe(true);
		expect(validateDocUpdate(mark(), removed, ceo, DB).ok).toBe(false);
		expect(validateDocUpdate({ _id: 'vulnerable:a', _deleted: true }, mark(), ceo, DB).ok).toBe(
			false
		);
	});
});
