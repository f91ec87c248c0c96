import '../../../tests/unit/browser-env';
import Dexie from 'dexie';
import fc from 'fast-check';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { framework, nextStep, progress, visit, year } from '../../../tests/unit/fixtures';
import { dashboardGrid, type DashboardSchool, type School } from '$lib/domain';
import { atTerm, dashboardYear, trustYear } from './overviews';
import { Projector } from './projector';
import { openReadModel, readModelName, type ReadModel } from './read-model';
import { summariesOf, summaryVisit } from './school-summaries';

const DB = 'school-oakfield';
const oakfield = {
	_id: 'school:oakfield',
	type: 'school',
	id: 'oakfield',
	name: 'Oakfield Primary',
	category: '2a',
	strand: 'preventative'
} as unknown as School;

let n = 0;
let pouch: PouchDB.Database;
let rm: ReadModel;
let projector: Projector;

beforeEach(async () => {
	n++;
	pouch = new PouchDB(`school-summaries-${n}`);
	rm = openReadModel(`school-summaries-${n}`);
	projector = new Projector(rm, () => pouch);
	await rm.schools.put({ id: oakfield.id, name: oakfield.name, doc: oakfield });
});
afterEach(async () => {
	projector.stop();
	rm.close();
	await pouch.destroy();
});

/** Until the read model has taken in every change written so far (a loaded machine is slow). */
const settle = async () => {
	const { update_seq } = await pouch.info();
	for (let i = 0; i < 500; i++) {
		await projector.settled();
		const seq = (await rm.checkpoints.get(DB))?.seq;
		if (seq !== undefined && Number(seq) >= Number(update_seq)) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	throw new Error('the read model did not catch up');
};

/** The dashboard's grid for a term, from the school summaries and from the whole records. */
async function grids(term: number) {
	const today = '2027-03-01';
	const grid = (schools: DashboardSchool[]) => dashboardGrid(schools, framework, year, term, today);
	// The dashboard gives the year as a promise, read beside the trust's context.
	const byPromise = await dashboardYear(rm, Promise.resolve(year.year));
	expect(byPromise).toEqual(await dashboardYear(rm, year.year));
	return {
		summaries: grid(byPromise),
		whole: grid((await trustYear(rm, year.year, false)).map((s) => atTerm(s, term)))
	};
}

/** The summary row the projector kept, against one made afresh from the visit and step rows. */
async function expectSummaryOfRows() {
	const kept = await rm.schoolSummaries.get('oakfield');
	const [made] = summariesOf(await rm.visits.toArray(), await rm.nextSteps.toArray());
	expect(kept?.visits ?? {}).toEqual(made?.visits ?? {});
	expect(kept?.steps ?? {}).toEqual(made?.steps ?? {});
}

const put = async (doc: { _id: string } & Record<string, unknown>) => {
	const stored = await pouch.get(doc._id).catch(() => null);
	await pouch.put({ ...doc, ...(stored ? { _rev: stored._rev } : {}) } as never);
};
const remove = async (id: string) => {
	const stored = await pouch.get(id).catch(() => null);
	if (stored) await pouch.remove(stored);
};

describe('the school summaries the dashboard reads', () => {
	it('show a visit’s grade, a step’s progress and their removal as the whole records do', async () => {
		await projector.follow(DB);
		const v = visit({
			_id: 'visit:2026-27:t2:v1',
			status: 'confirmed',
			evaluations: [{ areaId: 'achievement', gradeId: 'strong', comment: 'Long comment' }]
		});
		await put(v);
		await put(nextStep({ _id: 'next-step:2026-27:a1', visitId: v._id, dueDate: '2026-12-01' }));
		await settle();
		// No current year on the device: no school's year to show.
		expect(await dashboardYear(rm, Promise.resolve(null))).toEqual([]);
		let { summaries } = await grids(2);
		const cell = () => summaries[0]!.cells.find((c) => c.areaId === 'achievement')!;
		expect(cell().grade?.gradeId).toBe('strong');
		expect(summaries[0]!.steps).toMatchObject({ agreed: 1, notStarted: 1, overdue: 1 });

		// The grade changes, the step is done: the dashboard says so.
		await put({ ...v, evaluations: [{ areaId: 'achievement', gradeId: 'expected', comment: '' }] });
		await put(
			progress({ nextStepId: 'next-step:2026-27:a1', status: 'done', evidence: 'Minutes' })
		);
		await settle();
		({ summaries } = await grids(2));
		expect(cell().grade?.gradeId).toBe('expected');
		expect(summaries[0]!.steps).toMatchObject({ agreed: 1, done: 1, overdue: 0 });

		// The progress update deleted: the step is not started again, and overdue.
		await remove(progress({ nextStepId: 'next-step:2026-27:a1' })._id);
		await settle();
		({ summaries } = await grids(2));
		expect(summaries[0]!.steps).toMatchObject({ agreed: 1, done: 0, overdue: 1 });

		// A step that reached the head after they confirmed (their confirmation names only the first)
		// is proposed, and not overdue, until they agree it.
		await put(nextStep({ _id: 'next-step:2026-27:a2', visitId: v._id, dueDate: '2026-12-01' }));
		const stored = await pouch.get(v._id);
		await put({
			...stored,
			confirmation: {
				by: 'head.oakfield',
				at: '2026-11-21T09:00:00Z',
				comment: '',
				steps: ['next-step:2026-27:a1']
			}
		});
		await settle();
		({ summaries } = await grids(2));
		expect(summaries[0]!.steps).toMatchObject({ agreed: 1, proposed: 1, overdue: 1 });
		await remove('next-step:2026-27:a2');

		// The visit deleted: nothing is agreed (its step is only proposed now); the step deleted.
		await remove(v._id);
		await settle();
		({ summaries } = await grids(2));
		expect(cell().grade).toBeNull();
		expect(summaries[0]!.steps).toMatchObject({ agreed: 0, proposed: 1 });
		await remove('next-step:2026-27:a1');
		await settle();
		({ summaries } = await grids(2));
		expect(summaries[0]!.steps).toMatchObject({ agreed: 0, proposed: 0 });
		expect(await rm.schoolSummaries.get('oakfield')).toEqual({
			schoolId: 'oakfield',
			visits: {},
			steps: {}
		});
	});

	it('follow any visits, next steps and progress written, changed and deleted, and a rebuild', async () => {
		await projector.follow(DB);
		const visitIds = ['visit:2026-27:t1:a', 'visit:2026-27:t2:b', 'visit:2025-26:t3:c'];
		const stepIds = ['next-step:2026-27:x', 'next-step:2026-27:y', 'next-step:2025-26:z'];
		const grade = fc.constantFrom(...framework.scale.map((g) => g.id), null);
		const op = fc.oneof(
			fc.record({
				kind: fc.constant('visit' as const),
				i: fc.nat(2),
				status: fc.constantFrom('planned', 'draft', 'shared', 'confirmed'),
				term: fc.integer({ min: 1, max: 3 }),
				grades: fc.tuple(grade, grade),
				daysUsed: fc.constantFrom(0.5, 1),
				visitType: fc.constantFrom(undefined, 'termly', 'peer'),
				// The steps a confirmation names (none kept by a confirmation given before they were).
				agreed: fc.option(fc.subarray(stepIds), { nil: undefined })
			}),
			fc.record({
				kind: fc.constant('step' as const),
				i: fc.nat(2),
				visit: fc.option(fc.nat(2), { nil: undefined }),
				due: fc.option(fc.constantFrom('2026-10-01', '2027-06-01'), { nil: undefined }),
				reply: fc.option(fc.boolean(), { nil: undefined }),
				carried: fc.boolean()
			}),
			fc.record({
				kind: fc.constant('progress' as const),
				i: fc.nat(2),
				at: fc.nat(2),
				status: fc.constantFrom('in-progress', 'done')
			}),
			fc.record({ kind: fc.constant('delete' as const), id: fc.nat(8) })
		);
		const progressId = (step: number, at: number) => `progress:${stepIds[step]}:${at}`;
		await fc.assert(
			fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
				for (const o of ops) {
					if (o.kind === 'visit') {
						const id = visitIds[o.i]!;
						await put(
							visit({
								_id: id,
								year: id.split(':')[1]!,
								term: o.term,
								status: o.status as 'confirmed',
								daysUsed: o.daysUsed,
								...(o.visitType ? { visitType: o.visitType as 'termly' } : {}),
								...(o.status === 'confirmed'
									? {
											confirmation: {
												by: 'head.oakfield',
												at: '2026-11-02T09:00:00Z',
												comment: 'A fair record',
												...(o.agreed ? { steps: o.agreed } : {})
											}
										}
									: {}),
								evaluations: [
									{ areaId: 'achievement', gradeId: o.grades[0], comment: 'Seen in books' },
									{ areaId: 'inclusion', gradeId: o.grades[1], comment: '' }
								]
							})
						);
					} else if (o.kind === 'step') {
						const id = stepIds[o.i]!;
						await put(
							nextStep({
								_id: id,
								year: id.split(':')[1]!,
								...(o.visit !== undefined ? { visitId: visitIds[o.visit]! } : {}),
								...(o.due ? { dueDate: o.due } : { dueDate: undefined, dueTerm: 2 }),
								...(o.reply !== undefined
									? {
											headReply: {
												agrees: o.reply,
												reason: o.reply ? '' : 'Not this term',
												by: 'head.oakfield',
												at: '2026-11-01T10:00:00Z'
											}
										}
									: {}),
								...(o.carried
									? {
											carriedOver: [
												{ from: '2025-26', to: '2026-27', by: 'admin', at: '2026-09-01T08:00:00Z' }
											]
										}
									: {})
							})
						);
					} else if (o.kind === 'progress') {
						await put(
							progress({
								_id: progressId(o.i, o.at),
								nextStepId: stepIds[o.i]!,
								status: o.status as 'done',
								...(o.status === 'done' ? { evidence: 'Staff meeting minutes' } : {}),
								at: `2026-11-0${o.at + 1}T10:00:00Z`
							})
						);
					} else {
						const all = [
							...visitIds,
							...stepIds,
							progressId(0, 0),
							progressId(1, 1),
							progressId(2, 2)
						];
						await remove(all[o.id]!);
					}
					await settle();
					await expectSummaryOfRows();
					for (const term of [1, 2, 3]) {
						const { summaries, whole } = await grids(term);
						expect(summaries).toEqual(whole);
					}
				}
			}),
			{ numRuns: 12 }
		);
		// The runs above may leave no visit at all (every one deleted): the rebuild is compared with
		// one there, whatever they left.
		const kept = visitIds[0]!;
		await put(
			visit({
				_id: kept,
				year: kept.split(':')[1]!,
				term: 1,
				status: 'confirmed',
				evaluations: [{ areaId: 'achievement', gradeId: framework.scale[0]!.id, comment: '' }]
			})
		);
		await settle();
		await expectSummaryOfRows();
		const before = await rm.schoolSummaries.toArray();
		expect(before.some((s) => kept in s.visits)).toBe(true);
		await projector.rebuild([DB]);
		await rm.schools.put({ id: oakfield.id, name: oakfield.name, doc: oakfield });
		await expectSummaryOfRows();
		expect(await rm.schoolSummaries.toArray()).toEqual(before);
		for (const term of [1, 2, 3]) {
			const { summaries, whole } = await grids(term);
			expect(summaries).toEqual(whole);
		}
	});

	it('are made from the rows already there when a read model moves to version 12', async () => {
		rm.close();
		const name = readModelName(`school-summaries-${n}-old`);
		const old = new Dexie(name);
		old.version(11).stores({
			schools: 'id, name',
			visits: '_id, [schoolId+year+term], [schoolId+date]',
			nextSteps: '_id, [schoolId+dueDate], visitId',
			checkpoints: 'db'
		});
		const v = visit({ status: 'confirmed' });
		const s = nextStep({ visitId: v._id });
		const visitRow = { _id: v._id, schoolId: v.schoolId, year: v.year, term: v.term, date: v.date };
		await old.table('visits').put({ ...visitRow, status: v.status, doc: v, conflicted: 0 });
		const stepRow = {
			_id: s._id,
			schoolId: s.schoolId,
			year: s.year,
			visitId: v._id,
			status: 'in-progress' as const,
			dueDate: s.dueDate!,
			updatedAt: s.createdAt,
			doc: s,
			conflicted: 0 as const
		};
		await old.table('nextSteps').put(stepRow);
		await old.table('checkpoints').put({ db: DB, seq: 5 });
		old.close();

		rm = openReadModel(`school-summaries-${n}-old`);
		const [row] = await rm.schoolSummaries.toArray();
		expect(row?.schoolId).toBe('oakfield');
		expect(row?.visits[v._id]).toMatchObject({ status: 'confirmed', term: 2 });
		expect(row?.steps[s._id]).toMatchObject({ status: 'in-progress', step: { visitId: v._id } });
		// Nothing needs reading again from PouchDB for it.
		expect(await rm.checkpoints.get(DB)).toEqual({ db: DB, seq: 5 });
	});

	it('keep each visit’s safeguarding once a read model moves to version 15', async () => {
		rm.close();
		const name = readModelName(`school-summaries-${n}-v14`);
		const old = new Dexie(name);
		old.version(14).stores({
			schools: 'id, name',
			visits: '_id, [schoolId+year+term], [schoolId+date]',
			nextSteps: '_id, [schoolId+dueDate], visitId',
			checkpoints: 'db',
			schoolSummaries: 'schoolId'
		});
		const v = visit({ status: 'confirmed', safeguarding: 'not-met' });
		const visitRow = { _id: v._id, schoolId: v.schoolId, year: v.year, term: v.term, date: v.date };
		await old.table('visits').put({ ...visitRow, status: v.status, doc: v, conflicted: 0 });
		// The summary as version 14 made it: no safeguarding.
		const { safeguarding, ...before } = summaryVisit(v);
		expect(safeguarding).toBe('not-met');
		await old
			.table('schoolSummaries')
			.put({ schoolId: v.schoolId, visits: { [v._id]: before }, steps: {} });
		old.close();

		rm = openReadModel(`school-summaries-${n}-v14`);
		const [row] = await rm.schoolSummaries.toArray();
		expect(row?.visits[v._id]).toMatchObject({ status: 'confirmed', safeguarding: 'not-met' });
	});
});
