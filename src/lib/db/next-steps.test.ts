import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { head, nextStep, sil } from '../../../tests/unit/fixtures';
import { removeNextStep, restoreNextStep } from './next-steps';
import { RecordRefused, type WriteContext } from './repository';

let n = 0;
let pouch: PouchDB.Database;
const ctxFor = (user: { name: string; roles: string[] }): WriteContext => ({
	user,
	dbFor: () => pouch,
	device: 'Chromium on Linux, signed in 25 Nov'
});
const ID = 'next-step:2026-27:a1';

beforeEach(async () => {
	pouch = new PouchDB(`next-steps-${++n}`);
	await pouch.put(nextStep() as PouchDB.Core.PutDocument<object>);
});
afterEach(async () => {
	await pouch.destroy();
});

describe('removing a next step can be undone', () => {
	it('removes it, and puts it back under the same id with its words', async () => {
		const removed = await removeNextStep(ctxFor(sil), 'oakfield', ID);
		await expect(pouch.get(ID)).rejects.toMatchObject({ status: 404 });

		await restoreNextStep(ctxFor(sil), removed);
		const back = (await pouch.get(ID)) as unknown as ReturnType<typeof nextStep>;
		expect(back.action).toBe('Embed the new phonics scheme in year 1');
		expect(back.successCriteria).toBe('All year 1 staff teach the scheme daily');
	});

	it('is refused to a headteacher, in words, and nothing is removed', async () => {
		await expect(removeNextStep(ctxFor(head), 'oakfield', ID)).rejects.toBeInstanceOf(
			RecordRefused
		);
		expect(((await pouch.get(ID)) as { action?: string }).action).toBe(
			'Embed the new phonics scheme in year 1'
		);
	});
});
