import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admin, nextStep } from '../../../tests/unit/fixtures';
import type { NextStep } from '$lib/domain';
import type { ReadModel } from './read-model';
import type { WriteContext } from './repository';
import { carryOverSteps } from './years';

let n = 0;
let pouch: PouchDB.Database;
const ctx: WriteContext = { user: admin, dbFor: () => pouch, device: 'Chromium on Linux' };

const open = nextStep({ _id: 'next-step:2026-27:open', action: 'Phonics catch-up groups' });
const done = nextStep({ _id: 'next-step:2026-27:done', action: 'Website policies' });
const closedSchool = nextStep({ _id: 'next-step:2026-27:elm', schoolId: 'elm' });

/**
 * The read model as the years screen reads it. It is not updated by the moves: a second run reads
 * the steps as they were, as a device whose read model has not caught up would.
 */
const rows = [
	{ ...open, status: 'in-progress' },
	{ ...done, status: 'done' },
	{ ...closedSchool, status: 'open' }
];
const rm = {
	nextSteps: {
		filter: (fn: (r: (typeof rows)[number]) => boolean) => ({
			toArray: () => Promise.resolve(rows.filter(fn))
		})
	},
	schools: {
		toArray: () =>
			Promise.resolve([
				{ id: 'oakfield', doc: {} },
				{ id: 'elm', doc: { closed: { on: '2026-11-24' } } }
			])
	}
} as unknown as ReadModel;

beforeEach(async () => {
	pouch = new PouchDB(`years-${++n}`);
	for (const s of [open, done, closedSchool])
		await pouch.put(s as PouchDB.Core.PutDocument<object>);
});
afterEach(async () => {
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
});
