import '../../../tests/unit/browser-env';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextStep, visit } from '../../../tests/unit/fixtures';
import type { School, SchoolOverview } from '$lib/domain';
import { blankOverview, schoolYear, trustYear } from './overviews';
import { openReadModel, type ReadModel } from './read-model';

let n = 0;
let rm: ReadModel;

const school = (id: string, name: string) =>
	({ _id: `school:${id}`, type: 'school', id, name }) as unknown as School;

beforeEach(() => {
	n++;
	rm = openReadModel(`overviews-${n}`);
});
afterEach(() => rm.close());

describe('the trust year the dashboard reads', () => {
	it("gives each school its own year's records, as the school's own screens read them", async () => {
		const schools = [school('oakfield', 'Oakfield Primary'), school('ashcombe', 'Ashcombe')];
		await rm.schools.bulkPut(schools.map((s) => ({ id: s.id, name: s.name, doc: s })));
		const visits = [
			visit({ _id: 'visit:2026-27:t3:b', term: 3 }),
			visit({ _id: 'visit:2026-27:t1:a', term: 1 }),
			visit({ _id: 'visit:2026-27:t2:c', schoolId: 'ashcombe' }),
			visit({ _id: 'visit:2025-26:t2:old', year: '2025-26' })
		];
		await rm.visits.bulkPut(
			visits.map((v) => ({
				_id: v._id,
				schoolId: v.schoolId,
				year: v.year,
				term: v.term,
				date: v.date,
				status: v.status,
				doc: v,
				conflicted: 0 as const
			}))
		);
		const steps = [
			nextStep({ _id: 'next-step:2026-27:late', dueDate: '2027-06-01' }),
			nextStep({ _id: 'next-step:2026-27:soon', dueDate: '2026-10-01' }),
			nextStep({ _id: 'next-step:2026-27:term', dueDate: undefined, dueTerm: 2 }),
			nextStep({ _id: 'next-step:2026-27:ash', schoolId: 'ashcombe' }),
			nextStep({ _id: 'next-step:2025-26:old', year: '2025-26' }),
			// Agreed last year, still open, carried into this year: both years' views show it.
			nextStep({
				_id: 'next-step:2025-26:carried',
				year: '2026-27',
				carriedOver: [{ from: '2025-26', to: '2026-27', by: 'admin', at: '2026-09-01T08:00:00Z' }]
			})
		];
		await rm.nextSteps.bulkPut(
			steps.map((s, i) => ({
				_id: s._id,
				schoolId: s.schoolId,
				year: s.year,
				visitId: '',
				status: i === 1 ? ('done' as const) : ('open' as const),
				dueDate: s.dueDate ?? '',
				updatedAt: s.createdAt,
				doc: s,
				conflicted: 0 as const
			}))
		);
		const overview = (schoolId: string, year: string, term: number): SchoolOverview => ({
			...blankOverview(schoolId, year, term),
			commentary: `${schoolId} ${year} term ${term}`
		});
		const overviews = [
			overview('oakfield', '2026-27', 2),
			overview('oakfield', '2026-27', 1),
			overview('ashcombe', '2026-27', 1),
			overview('oakfield', '2025-26', 1)
		];
		await rm.overviews.bulkPut(
			overviews.map((o) => ({
				key: `${o.schoolId}/${o._id.slice('overview:'.length)}`,
				schoolId: o.schoolId,
				year: o.year,
				term: o.term,
				doc: o,
				conflicted: 0 as const
			}))
		);

		const year = await trustYear(rm, '2026-27', false);
		expect(year.map((y) => y.school.name)).toEqual(['Ashcombe', 'Oakfield Primary']);
		for (const [i, s] of [schools[1]!, schools[0]!].entries()) {
			expect(year[i]).toEqual(await schoolYear(rm, s, '2026-27', false));
		}
		const oakfield = year[1]!;
		expect(oakfield.visits.map((v) => v._id)).toEqual(['visit:2026-27:t1:a', 'visit:2026-27:t3:b']);
		expect(oakfield.steps.map((s) => [s.step._id, s.status])).toEqual([
			['next-step:2026-27:term', 'open'],
			['next-step:2026-27:soon', 'done'],
			['next-step:2025-26:carried', 'open'],
			['next-step:2026-27:late', 'open']
		]);
		expect(oakfield.overviews.get(1)?.commentary).toBe('oakfield 2026-27 term 1');
		expect([...oakfield.overviews.keys()]).toEqual([1, 2]);

		// Last year, read for the whole trust at once, keeps the step carried out of it, as the
		// school's own view of that year does.
		const last = await trustYear(rm, '2025-26', false);
		for (const [i, s] of [schools[1]!, schools[0]!].entries()) {
			expect(last[i]).toEqual(await schoolYear(rm, s, '2025-26', false));
		}
		expect(last[1]!.steps.map((s) => s.step._id).sort()).toEqual([
			'next-step:2025-26:carried',
			'next-step:2025-26:old'
		]);
	});
});
