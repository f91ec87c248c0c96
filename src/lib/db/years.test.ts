import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admin, nextStep, now } from '../../../tests/unit/fixtures';
import type { NextStep, NextStepStatus, School } from '$lib/domain';
import { openReadModel, type NextStepRow, type ReadModel } from './read-model';
import type { WriteContext } from './repository';
import { summariesOf } from './school-summaries';
import { carryOverSteps } from './years';

let n = 0;
let pouch: PouchDB.Database;
const ctx: WriteContext = { user: admin, dbFor: () => pouch, device: 'Chromium on Linux' };

const open = nextStep({ _id: 'next-step:2026-27:open', action: 'Phonics catch-up groups' });
const done = nextStep({ _id: 'next-step:2026-27:done', action: 'Website policies' });
const closedSchool = nextStep({ _id: 'next-step:2026-27:elm', schoolId: 'elm' });

const row = (doc: NextStep, status: NextStepStatus): NextStepRow => ({
	_id: doc._id,
	schoolId: doc.schoolId,
	year: doc.year,
	visitId: doc.visitId ?? '',
	status,
	dueDate: doc.dueDate ?? '',
	updatedAt: doc.createdAt,
	doc,
	conflicted: 0
});
const rows = [row(open, 'in-progress'), row(done, 'done'), row(closedSchool, 'open')];
const school = (id: string, closed?: School['closed']) => ({
	id,
	name: id,
	doc: { id, name: id, ...(closed ? { closed } : {}) } as School
});

/**
 * The read model as the years screen reads it, written here as the projector would leave it. It is
 * not updated by the moves: a second run reads the steps as they were, as a device whose read model
 * has not caught up would.
 */
let rm: ReadModel;

beforeEach(async () => {
	pouch = new PouchDB(`years-${++n}`);
	for (const s of [open, done, closedSchool])
		await pouch.put(s as PouchDB.Core.PutDocument<object>);
	rm = openReadModel(`years-${n}`);
	await rm.schools.bulkPut([
		school('oakfield'),
		school('elm', { on: '2026-11-24', reason: 'Merged with Oakfield', by: 'admin', at: now })
	]);
	await rm.nextSteps.bulkPut(rows);
	await rm.schoolSummaries.bulkPut(summariesOf([], rows));
});
afterEach(async () => {
	rm.close();
	await pouch.destroy();
});

describe('carrying open next steps into the year under way', () => {
	it('moves the open step once, however often it is run; done steps and closed schools’ stay', async () => {
		expect(await carryOverSteps(ctx, rm, '2026-27', '2027-28')).toBe(1);
		const moved = (await pouch.get(open._id)) as unknown as NextStep;
		expect(moved.year).toBe('2027-28');
		expect(moved.carriedOver).toMatchObject([{ from: '2026-27', to: '2027-28', by: 'admin' }]);

		expect(await carryOverSteps(ctx, rm, '2026-27', '2027-28')).toBe(0);
		const again = (await pouch.get(open._id)) as unknown as NextStep & { _rev: string };
		expect(again.carriedOver).toHaveLength(1);
		expect(again._rev).toBe((moved as unknown as { _rev: string })._rev);

		expect(((await pouch.get(done._id)) as unknown as NextStep).year).toBe('2026-27');
		expect(((await pouch.get(closedSchool._id)) as unknown as NextStep).year).toBe('2026-27');
	});

	it('passes over a step removed on this device since the read model listed it', async () => {
		await pouch.remove((await pouch.get(open._id)) as PouchDB.Core.RemoveDocument);
		expect(await carryOverSteps(ctx, rm, '2026-27', '2027-28')).toBe(0);
		expect(((await pouch.get(done._id)) as unknown as NextStep).year).toBe('2026-27');
	});
});
