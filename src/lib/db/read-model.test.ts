import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { head, nextStep, progress, sil, visit } from '../../../tests/unit/fixtures';
import { Projector } from './projector';
import { readSnapshot } from './pouch-snapshot';
import { attentionOf, nextSteps, progressOf } from './queries';
import Dexie from 'dexie';
import { openReadModel, readModelName, type ReadModel } from './read-model';
import { addProgressUpdate, updateNextStep } from './next-steps';
import { createDoc, RecordRefused, type WriteContext } from './repository';
import { CONCERNS_DB, NextStep } from '$lib/domain';
import { allConcerns } from './concerns';

const DB = 'school-oakfield';
let n = 0;
let pouch: PouchDB.Database;
let rm: ReadModel;
let projector: Projector;
const ctxFor = (user: { name: string; roles: string[] }): WriteContext => ({
	user,
	dbFor: () => pouch
});

beforeEach(async () => {
	n++;
	pouch = new PouchDB(`test-${n}`);
	rm = openReadModel(`user-${n}`);
	projector = new Projector(rm, () => pouch);
	await projector.follow(DB);
});

afterEach(async () => {
	projector.stop();
	rm.close();
	await pouch.destroy();
});

/** Test documents are plain objects; PouchDB's types want its own attachment shape. */
type Put = PouchDB.Core.PutDocument<object>;
const put = (doc: object) => pouch.put(doc as Put);
const bulk = (docs: object[], opts?: PouchDB.Core.BulkDocsOptions) =>
	pouch.bulkDocs(docs as Put[], opts);

/** Waits until `ok` holds, failing after two seconds. */
async function until(ok: () => Promise<boolean>) {
	for (let waited = 0; !(await ok()); waited += 20) {
		if (waited > 2000) throw new Error('still not so after 2 s');
		await new Promise((r) => setTimeout(r, 20));
	}
}

/**
 * The read model's next `times` transactions are refused (as when storage is full): each one's write
 * of a checkpoint throws, and the whole transaction with it. Returns how many writes were tried.
 */
function refuse(model: ReadModel, times = 1): () => number {
	const table = model.checkpoints as unknown as { put: (...a: unknown[]) => Promise<unknown> };
	const write = table.put.bind(table);
	let calls = 0;
	table.put = async (...a) => {
		if (calls++ < times) throw new Error('QuotaExceededError');
		return write(...a);
	};
	return () => calls;
}

async function settle() {
	// The live feed delivers asynchronously; wait for it, then for the queued transaction.
	await new Promise((r) => setTimeout(r, 50));
	await projector.settled();
}

describe('read model', () => {
	it('shows a next step and takes its status from the latest progress update', async () => {
		await put(nextStep());
		await settle();
		expect((await rm.nextSteps.get('next-step:2026-27:a1'))?.status).toBe('open');

		await put(progress({ at: '2026-11-24T09:00:00.000Z', status: 'in-progress' }));
		await put(progress({ at: '2026-11-25T09:00:00.000Z', status: 'done', evidence: 'Observed' }));
		await settle();
		const row = await rm.nextSteps.get('next-step:2026-27:a1');
		expect(row?.status).toBe('done');
		expect((await progressOf(rm, row!._id)).map((p) => p.doc.status)).toEqual([
			'done',
			'in-progress'
		]);
		expect(await nextSteps(rm, { schoolId: 'oakfield', status: 'done' })).toHaveLength(1);
		expect(await nextSteps(rm, { schoolId: 'oakfield', status: 'open' })).toHaveLength(0);
	});

	it('finds next steps by words and marks the overdue ones', async () => {
		await bulk([
			nextStep(),
			nextStep({
				_id: 'next-step:2026-27:b2',
				action: 'Review attendance',
				owner: 'Attendance officer',
				dueDate: '2026-10-01'
			})
		]);
		await settle();
		const found = await nextSteps(rm, { schoolId: 'oakfield', search: 'phonics YEAR' });
		expect(found.map((r) => r._id)).toEqual(['next-step:2026-27:a1']);
		const late = await rm.nextSteps.get('next-step:2026-27:b2');
		expect(attentionOf(late!, '2026-11-23', null)).toBe('overdue');
	});

	it('tells of each live change, naming its database, and of nothing its first read found', async () => {
		projector.stop();
		const other = new PouchDB(`test-${n}-other`);
		await put(nextStep());
		const heard: string[] = [];
		const told = new Projector(rm, (db) => (db === DB ? pouch : other), {
			onChange: (db) => heard.push(db)
		});
		await told.follow(DB);
		await told.follow('school-ash');
		await settle();
		// What the first read brought in is in the read model, and nobody was told of it.
		expect(await rm.nextSteps.get('next-step:2026-27:a1')).toBeTruthy();
		expect(heard).toEqual([]);

		await put(progress());
		await other.put(nextStep({ _id: 'next-step:2026-27:b2', schoolId: 'ash' }) as Put);
		await new Promise((r) => setTimeout(r, 50));
		await told.settled();
		expect(heard.sort()).toEqual(['school-ash', DB]);

		// Once stopped, it tells of nothing more.
		told.stop();
		await put(progress({ at: '2026-11-26T09:00:00.000Z' }));
		await new Promise((r) => setTimeout(r, 50));
		expect(heard).toHaveLength(2);
		await other.destroy();
	});

	it('tells of a database written to while the read model was rebuilt, and of no other', async () => {
		projector.stop();
		const other = new PouchDB(`test-${n}-other`);
		const heard: string[] = [];
		const told = new Projector(rm, (db) => (db === DB ? pouch : other), {
			onChange: (db) => heard.push(db)
		});
		await told.follow(DB);
		await told.follow('school-ash');
		// A write the moment the rebuild has stopped the feeds, before it reads the database again.
		const clear = rm as unknown as { transaction: (...a: unknown[]) => Promise<unknown> };
		const transaction = clear.transaction.bind(rm);
		let hooked = true;
		clear.transaction = (...a) => {
			if (!hooked) return transaction(...a);
			hooked = false;
			return put(nextStep()).then(() => transaction(...a));
		};
		await told.rebuild([DB, 'school-ash']);
		await new Promise((r) => setTimeout(r, 50));
		expect(hooked).toBe(false);
		expect(await rm.nextSteps.get('next-step:2026-27:a1')).toBeTruthy();
		// Told, so that it is counted and sent at once; the other database was not written to.
		expect(heard).toEqual([DB]);
		told.stop();
		await other.destroy();
	});

	it('takes a batch again from its checkpoint when IndexedDB refuses to write it', async () => {
		projector.stop();
		const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const heard: string[] = [];
		const again = new Projector(rm, () => pouch, {
			onChange: (db) => heard.push(db),
			retryAfter: () => 20
		});
		await again.follow(DB);
		// The next write to the read model is refused once (as when storage is full), and the whole
		// transaction with it; before, that stopped the read model for every database until reload.
		const calls = refuse(rm);
		await put(nextStep());
		await until(async () => (await rm.nextSteps.get('next-step:2026-27:a1')) !== undefined);
		expect(calls()).toBeGreaterThan(1);
		expect(logged).toHaveBeenCalledWith(
			expect.stringMatching(/following it again/),
			expect.any(Error)
		);
		// Told again once it follows again (what was written meanwhile waits to be sent).
		expect(heard.filter((db) => db === DB).length).toBeGreaterThanOrEqual(2);

		// And it goes on following: a later change arrives as before.
		await put(progress());
		await until(
			async () => (await rm.nextSteps.get('next-step:2026-27:a1'))?.status === 'in-progress'
		);
		again.stop();
		logged.mockRestore();
	});

	it('reads a database again when its first load cannot be written, and says why', async () => {
		projector.stop();
		const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		await bulk([nextStep(), visit()]);
		const fresh = openReadModel(`user-${n}-fresh`);
		refuse(fresh);
		const again = new Projector(fresh, () => pouch, { retryAfter: () => 20 });
		// The caller hears of the failure (and goes on with its other databases)…
		await expect(again.follow(DB)).rejects.toThrow('QuotaExceededError');
		// …and the read model is built all the same, then follows the database live.
		await until(async () => (await fresh.nextSteps.get('next-step:2026-27:a1')) !== undefined);
		expect(await fresh.visits.count()).toBe(1);
		await put(progress());
		await until(
			async () => (await fresh.nextSteps.get('next-step:2026-27:a1'))?.status === 'in-progress'
		);
		again.stop();
		fresh.close();
		logged.mockRestore();
	});

	it('says its lists are behind once a database fails twice in a row, and when they catch up', async () => {
		projector.stop();
		const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const said: [string, boolean][] = [];
		const make = () =>
			new Projector(rm, () => pouch, {
				onBehind: (db, behind) => said.push([db, behind]),
				retryAfter: () => 20
			});
		// One refusal now and then, each taken in again at the first try: nothing said.
		const again = make();
		await again.follow(DB);
		refuse(rm, 1);
		await put(nextStep());
		await until(async () => (await rm.nextSteps.get('next-step:2026-27:a1')) !== undefined);
		refuse(rm, 1);
		await put(nextStep({ _id: 'next-step:2026-27:a2' }));
		await until(async () => (await rm.nextSteps.get('next-step:2026-27:a2')) !== undefined);
		expect(said).toEqual([]);

		// Refused three times in a row: behind from the second, caught up once it is taken in.
		const calls = refuse(rm, 3);
		await put(progress());
		await until(
			async () => (await rm.nextSteps.get('next-step:2026-27:a1'))?.status === 'in-progress'
		);
		expect(calls()).toBeGreaterThan(3);
		expect(said).toEqual([
			[DB, true],
			[DB, false]
		]);

		// Refused for good, then signed out: no longer said to be behind.
		refuse(rm, Infinity);
		await put(visit());
		await until(() => Promise.resolve(said.length === 3));
		expect(said[2]).toEqual([DB, true]);
		expect(again.anyBehind).toBe(true);
		again.stop();
		expect(said[3]).toEqual([DB, false]);
		expect(again.anyBehind).toBe(false);
		logged.mockRestore();
	});

	it('follows a database again after its live feed fails, losing nothing written meanwhile', async () => {
		projector.stop();
		const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const live: PouchDB.Core.Changes<object>[] = [];
		const changes = pouch.changes.bind(pouch);
		pouch.changes = ((opts?: PouchDB.Core.ChangesOptions) => {
			const feed = changes(opts);
			if (opts?.live) live.push(feed);
			return feed;
		}) as typeof pouch.changes;
		const heard: string[] = [];
		const again = new Projector(rm, () => pouch, {
			onChange: (db) => heard.push(db),
			retryAfter: () => 50
		});
		// Followed twice at once (the CEO's registry can ask before the workspace's turn): one feed.
		await Promise.all([again.follow(DB), again.follow(DB)]);
		expect(live).toHaveLength(1);
		live[0]!.emit('error', new Error('Connection to Indexed Database server lost'));
		// Written while no feed is running: it comes in from the checkpoint, and is told of.
		await put(nextStep());
		await until(async () => (await rm.nextSteps.get('next-step:2026-27:a1')) !== undefined);
		expect(live).toHaveLength(2);
		expect(heard).toContain(DB);
		await put(progress());
		await until(
			async () => (await rm.nextSteps.get('next-step:2026-27:a1'))?.status === 'in-progress'
		);

		// Signed out while waiting to start again: it does not start again.
		live[1]!.emit('error', new Error('Connection to Indexed Database server lost'));
		again.stop();
		await new Promise((r) => setTimeout(r, 150));
		expect(live).toHaveLength(2);
		logged.mockRestore();
	});

	it('resumes from its checkpoint and can be rebuilt from scratch to the same result', async () => {
		await bulk([nextStep(), visit()]);
		await settle();
		projector.stop();
		const checkpoint = await rm.checkpoints.get(DB);
		expect(checkpoint?.seq).toBeTruthy();

		await put(progress());
		const again = new Projector(rm, () => pouch);
		await again.follow(DB);
		expect((await rm.nextSteps.get('next-step:2026-27:a1'))?.status).toBe('in-progress');

		await rm.nextSteps.clear();
		await again.rebuild([DB]);
		expect(await rm.nextSteps.count()).toBe(1);
		expect(await rm.visits.count()).toBe(1);
		expect((await rm.nextSteps.get('next-step:2026-27:a1'))?.status).toBe('in-progress');
		again.stop();
	});

	it("drops one database's rows, summaries and feed, and leaves another's as they were", async () => {
		const ash = new PouchDB(`test-${n}-ash`);
		const dbFor = (db: string) => (db === DB ? pouch : ash);
		projector.stop();
		const both = new Projector(rm, dbFor);
		await bulk([nextStep(), visit(), progress()]);
		const inAsh = { schoolId: 'ash' };
		await ash.bulkDocs([
			nextStep({ _id: 'next-step:2026-27:b1', ...inAsh }),
			visit({ _id: 'visit:2026-27:t2:b1', ...inAsh }),
			progress({ _id: 'progress:2026-27:b1:x', nextStepId: 'next-step:2026-27:b1', ...inAsh })
		] as Put[]);
		await both.follow(DB);
		await both.follow('school-ash');
		const rows = async () => ({
			steps: (await rm.nextSteps.toArray()).map((r) => `${r._id} ${r.status}`).sort(),
			visits: (await rm.visits.toArray()).map((r) => r._id).sort(),
			progress: (await rm.stepProgress.toArray()).map((r) => r.nextStepId).sort(),
			summaries: (await rm.schoolSummaries.toArray()).map((r) => r.schoolId).sort(),
			checkpoints: (await rm.checkpoints.toArray()).map((r) => r.db).sort()
		});
		expect((await rows()).summaries).toEqual(['ash', 'oakfield']);

		await both.drop('school-ash');
		const left = await rows();
		expect(left).toEqual({
			steps: ['next-step:2026-27:a1 in-progress'],
			visits: ['visit:2026-27:t2:v1'],
			progress: ['next-step:2026-27:a1'],
			summaries: ['oakfield'],
			checkpoints: [DB]
		});
		// No longer followed: a write to it shows nowhere; the other database is still followed.
		await ash.put(visit({ _id: 'visit:2026-27:t2:b2', ...inAsh }) as Put);
		await put(visit({ _id: 'visit:2026-27:t2:v2' }));
		await until(async () => (await rm.visits.count()) === 2);
		await new Promise((r) => setTimeout(r, 50));
		await both.settled();
		expect((await rows()).visits).toEqual(['visit:2026-27:t2:v1', 'visit:2026-27:t2:v2']);
		both.stop();
		await ash.destroy();
	});

	it('moves a read model left at an older version to the newest, and fills it again', async () => {
		await bulk([nextStep(), visit()]);
		await settle();
		projector.stop();
		rm.close();
		// A device last opened when the read model was at version 4 (no choices or marks tables).
		const old = new Dexie(readModelName(`user-${n}-old`));
		old.version(4).stores({
			schools: 'id, name',
			visits: '_id, [schoolId+year+term], [schoolId+date], date, status',
			nextSteps: '_id, [schoolId+status+dueDate], [schoolId+dueDate], visitId, status',
			progress: '_id, nextStepId, [nextStepId+at]',
			walks: '_id, visitId',
			trustDocs: '_id, type',
			conflicts: 'key, db',
			checkpoints: 'db',
			attainment: 'key, [schoolId+year], schoolId',
			overviews: 'key, [schoolId+year+term], [year+term]',
			versions: 'key'
		});
		await old.table('checkpoints').put({ db: DB, seq: 999 });
		old.close();

		rm = openReadModel(`user-${n}-old`);
		expect(await rm.checkpoints.count()).toBe(0);
		expect(await rm.marks.count()).toBe(0);
		expect(await rm.choices.count()).toBe(0);
		projector = new Projector(rm, () => pouch);
		await projector.follow(DB);
		expect(await rm.nextSteps.count()).toBe(1);
		expect(await rm.visits.count()).toBe(1);
	});

	it('reads everything again from version 7, and keeps concerns open or closed in their table', async () => {
		projector.stop();
		rm.close();
		const old = new Dexie(readModelName(`user-${n}-v7`));
		old.version(7).stores({
			schools: 'id, name',
			visits: '_id, [schoolId+year+term], [schoolId+date], date, status',
			nextSteps: '_id, [schoolId+status+dueDate], [schoolId+dueDate], visitId, status',
			progress: '_id, nextStepId, [nextStepId+at]',
			walks: '_id, visitId',
			trustDocs: '_id, type',
			conflicts: 'key, db',
			checkpoints: 'db',
			attainment: 'key, [schoolId+year], schoolId',
			overviews: 'key, [schoolId+year+term], [year+term]',
			versions: 'key',
			choices: 'key, db, docId',
			marks: 'key, schoolId'
		});
		await old.table('checkpoints').put({ db: CONCERNS_DB, seq: 999 });
		old.close();

		const concern = {
			_id: 'concern:c1',
			schemaVersion: 1,
			type: 'concern',
			schoolId: 'oakfield',
			raisedOn: '2026-11-20',
			raisedBy: 'sil',
			title: 'Year 5 attendance falling',
			seen: 'Registers show 88% in year 5.',
			level: 'urgent',
			actions: [],
			updatedBy: 'sil',
			updatedAt: '2026-11-20T15:00:00.000Z'
		};
		const { rev } = await put(concern);
		rm = openReadModel(`user-${n}-v7`);
		expect(await rm.checkpoints.count()).toBe(0);
		projector = new Projector(rm, () => pouch);
		await projector.follow(CONCERNS_DB);
		expect((await allConcerns(rm)).map((c) => c.title)).toEqual(['Year 5 attendance falling']);
		expect(await rm.concerns.where('open').equals(1).count()).toBe(1);
		const closed = { by: 'ceo', at: '2026-11-25T10:00:00.000Z', on: '2026-11-25', note: '' };
		await put({ ...concern, _rev: rev, closed, updatedBy: 'ceo' });
		await settle();
		expect(await rm.concerns.where('open').equals(1).count()).toBe(0);
		expect((await rm.concerns.get('concern:c1'))?.doc.closed).toEqual(closed);
	});

	it("keeps a next step's progress updates in one row from version 12, without reading PouchDB again", async () => {
		projector.stop();
		rm.close();
		const name = `user-${n}-v11`;
		const old = new Dexie(readModelName(name));
		old.version(11).stores({
			nextSteps: '_id, [schoolId+dueDate], visitId',
			progress: '_id, [nextStepId+at]',
			checkpoints: 'db'
		});
		const updates = [
			progress({ at: '2026-11-25T09:00:00.000Z', status: 'done', evidence: 'Seen', note: 'Done' }),
			progress({ at: '2026-11-24T09:00:00.000Z', note: 'Started' }),
			progress({ _id: 'progress:2026-27:b2:x', nextStepId: 'next-step:2026-27:b2', note: 'B' })
		];
		await old.table('progress').bulkPut(
			updates.map((p) => ({
				_id: p._id,
				nextStepId: p.nextStepId,
				schoolId: p.schoolId,
				at: p.at,
				doc: p
			}))
		);
		await old.table('checkpoints').put({ db: DB, seq: 7 });
		old.close();

		rm = openReadModel(name);
		expect(await rm.checkpoints.get(DB)).toEqual({ db: DB, seq: 7 });
		expect(await rm.stepProgress.count()).toBe(2);
		expect((await progressOf(rm, 'next-step:2026-27:a1')).map((p) => p.doc.note)).toEqual([
			'Done',
			'Started'
		]);
		expect((await progressOf(rm, 'next-step:2026-27:b2')).map((p) => p.doc.note)).toEqual(['B']);
	});

	it('removes deleted documents and lists conflicts', async () => {
		const { rev } = await put(visit({ status: 'draft' }));
		await settle();
		expect(await rm.visits.count()).toBe(1);
		await pouch.remove('visit:2026-27:t2:v1', rev);
		await settle();
		expect(await rm.visits.count()).toBe(0);

		// Two devices edited the same next step offline: replication leaves two leaf revisions.
		const base = nextStep({ _rev: '1-a' });
		await bulk([base], { new_edits: false });
		await bulk(
			[
				{ ...base, _rev: '2-b', owner: 'Deputy head', _revisions: { start: 2, ids: ['b', 'a'] } },
				{ ...base, _rev: '2-c', owner: 'English lead', _revisions: { start: 2, ids: ['c', 'a'] } }
			],
			{ new_edits: false }
		);
		await settle();
		const conflict = await rm.conflicts.get(`${DB}/next-step:2026-27:a1`);
		expect(conflict?.revs.sort()).toEqual(['2-b', '2-c']);

		// Settled by removing the losing revision: the record leaves the list.
		await pouch.remove('next-step:2026-27:a1', '2-b');
		await settle();
		expect(await rm.conflicts.count()).toBe(0);
		expect(await rm.nextSteps.count()).toBe(1);
	});

	it('lists a record that holds choices for a person, until they are made', async () => {
		const choice = {
			path: ['focus'],
			baseKnown: true,
			base: 'Reading',
			options: [
				{ value: 'Reading in year 3', by: 'sil', device: 'Laptop', at: '2026-11-25T16:39:00.000Z' },
				{ value: 'Reading in year 4', by: 'sil', device: 'Tablet', at: '2026-11-25T16:40:00.000Z' }
			]
		};
		const { rev } = await put(visit({ choices: [choice] }));
		await settle();
		expect(await rm.choices.get(`${DB}/visit:2026-27:t2:v1`)).toMatchObject({
			docId: 'visit:2026-27:t2:v1',
			type: 'visit',
			count: 1
		});
		await put(visit({ _rev: rev, choices: [] }));
		await settle();
		expect(await rm.choices.count()).toBe(0);
	});
});

describe('read model batches', () => {
	it('derives status when a next step and its updates arrive in one batch, and when one goes', async () => {
		projector.stop();
		const later = progress({
			_id: 'progress:2026-27:a1:late:x',
			at: '2026-11-26T09:00:00.000Z',
			status: 'done',
			evidence: 'Seen in books'
		});
		await bulk([progress({ at: '2026-11-24T09:00:00.000Z' }), nextStep(), later]);
		await projector.rebuild([DB]);
		expect((await rm.nextSteps.get('next-step:2026-27:a1'))?.status).toBe('done');

		const { _rev } = await pouch.get(later._id);
		await pouch.remove(later._id, _rev);
		await settle();
		expect((await rm.nextSteps.get('next-step:2026-27:a1'))?.status).toBe('in-progress');
	});

	it('serves the list from memory until the projector changes it', async () => {
		await put(nextStep());
		await settle();
		const first = await nextSteps(rm, { schoolId: 'oakfield' });
		expect(first.map((r) => r.status)).toEqual(['open']);
		await put(progress());
		await settle();
		const second = await nextSteps(rm, { schoolId: 'oakfield', status: 'in-progress' });
		expect(second.map((r) => r._id)).toEqual(['next-step:2026-27:a1']);
	});
});

describe('repositories', () => {
	it('refuses an invalid record before it is written, in plain words', async () => {
		const bad = { ...nextStep(), owner: '' };
		await expect(createDoc(ctxFor(sil), DB, NextStep, bad)).rejects.toThrow(
			new RecordRefused('Say who owns this next step.')
		);
		expect((await pouch.allDocs()).rows).toHaveLength(0);
	});

	it('refuses what the role may not do, as the server would', async () => {
		await put(nextStep());
		await expect(
			updateNextStep(ctxFor(head), 'oakfield', 'next-step:2026-27:a1', { owner: 'Me' })
		).rejects.toThrow('A headteacher may agree or disagree with a next step but not change it.');
		const saved = await addProgressUpdate(ctxFor(head), {
			schoolId: 'oakfield',
			nextStepId: 'next-step:2026-27:a1',
			status: 'in-progress',
			note: '  Started  '
		});
		expect(saved.note).toBe('Started');
		expect(saved.by).toBe('head.oakfield');
	});

	it('applies an edit on top of a revision that arrived meanwhile, losing neither', async () => {
		await put(nextStep());
		const ctx = ctxFor(sil);
		// Two writes race on the same document (a sync and an autosave): both must land.
		await Promise.all([
			updateNextStep(ctx, 'oakfield', 'next-step:2026-27:a1', { owner: 'Deputy head' }),
			updateNextStep(ctx, 'oakfield', 'next-step:2026-27:a1', { successCriteria: 'Checked' })
		]);
		const doc = (await pouch.get('next-step:2026-27:a1')) as unknown as NextStep;
		expect(doc.owner).toBe('Deputy head');
		expect(doc.successCriteria).toBe('Checked');
		expect(doc._rev?.startsWith('3-')).toBe(true);
	});
});

// A first load reads PouchDB's stores in one go (pouch-snapshot.ts), or the changes feed where
// it cannot: both must build the same read model, and keep what is written meanwhile.
describe.each([
	['the changes feed', false],
	["PouchDB's stores", true]
] as const)('read model built from the start, reading %s', (_, stores) => {
	/** A projector that reads the database as this suite says, running `during` once after its first read. */
	function projectorFor(
		model: ReadModel,
		dbFor: (db: string) => PouchDB.Database,
		during?: () => Promise<unknown>
	): Projector {
		if (!stores) {
			return new Projector(model, during ? () => readInterrupted(during) : dbFor, {
				readFirst: () => Promise.resolve(null)
			});
		}
		let done = false;
		return new Projector(model, dbFor, {
			readFirst: async (local, onChunk) => {
				const snapshot = await readSnapshot(local, onChunk);
				expect(snapshot).not.toBeNull();
				if (during && !done) {
					done = true;
					await during();
				}
				return snapshot;
			}
		});
	}

	/** Every row of the read model, by table (the versions' tokens are random: their keys). */
	async function rowsOf(model: ReadModel) {
		const out: Record<string, unknown> = {};
		for (const t of model.tables) {
			const rows = (await t.toArray()) as { key?: string }[];
			out[t.name] = t.name === 'versions' ? rows.map((r) => r.key).sort() : rows;
		}
		return out;
	}

	/** The same database, running `during` once, just after the first batch of changes is read. */
	function readInterrupted(during: () => Promise<unknown>): PouchDB.Database {
		let done = false;
		return new Proxy(pouch, {
			get(target, prop) {
				const value: unknown = Reflect.get(target, prop, target);
				if (prop !== 'changes') return typeof value === 'function' ? value.bind(target) : value;
				return (opts: PouchDB.Core.ChangesOptions) => {
					if (opts.live || done) return target.changes(opts);
					done = true;
					return target.changes(opts).then(async (res) => {
						await during();
						return res;
					});
				};
			}
		});
	}

	const at = (day: number) => `2026-11-${day}T09:00:00.000Z`;
	const step = (id: string, more: Partial<NextStep> = {}) =>
		nextStep({ _id: `next-step:2026-27:${id}`, ...more });
	const update = (id: string, day: number, more: object = {}) =>
		progress({
			_id: `progress:2026-27:${id}:${at(day)}:x`,
			nextStepId: `next-step:2026-27:${id}`,
			at: at(day),
			...more
		});

	/** Next steps with updates (two at the same moment), deletions, a conflict, choices, a design document. */
	async function writeMixed() {
		await bulk([step('a1'), step('b2'), step('c3'), update('a1', 20), update('b2', 21)]);
		await settle();
		const tie = update('b2', 22, {
			_id: `progress:2026-27:b2:${at(22)}:a`,
			status: 'done',
			evidence: 'Seen'
		});
		await bulk([tie, update('b2', 22, { _id: `progress:2026-27:b2:${at(22)}:b` })]);
		await bulk([update('zz', 23)]);
		await put({ _id: '_design/rules', validate_doc_update: 'function () {}' });
		const c3 = await pouch.get('next-step:2026-27:c3');
		await pouch.remove(c3._id, c3._rev);
		const late = await put(update('a1', 24, { status: 'done', evidence: 'Books' }));
		await pouch.remove(update('a1', 24)._id, late.rev);
		const base = step('d4', { _rev: '1-a' } as Partial<NextStep>);
		await bulk([base], { new_edits: false });
		await bulk(
			[
				{ ...base, _rev: '2-b', owner: 'Deputy head', _revisions: { start: 2, ids: ['b', 'a'] } },
				{ ...base, _rev: '2-c', owner: 'English lead', _revisions: { start: 2, ids: ['c', 'a'] } }
			],
			{ new_edits: false }
		);
		const choice = {
			path: ['focus'],
			baseKnown: true,
			base: 'Reading',
			options: [
				{ value: 'Reading in year 3', by: 'sil', device: 'Laptop', at: at(25) },
				{ value: 'Reading in year 4', by: 'sil', device: 'Tablet', at: at(25) }
			]
		};
		await put(visit({ choices: [choice] }));
		await settle();
	}

	/** Written while the rebuild reads: an update that was already read goes, a new one comes. */
	async function changeMeanwhile() {
		const tie = await pouch.get(`progress:2026-27:b2:${at(22)}:a`);
		await pouch.remove(tie._id, tie._rev);
		await put(
			update('a1', 26, { status: 'done', evidence: 'Books', note: 'Pupils read fluently' })
		);
	}

	it('holds the same rows as a read model kept up to date change by change', async () => {
		await writeMixed();
		const built = openReadModel(`user-${n}-built`);
		const fresh = projectorFor(built, () => pouch, changeMeanwhile);
		await fresh.follow(DB);
		await settle();
		await new Promise((r) => setTimeout(r, 50));
		await fresh.settled();
		expect(await rowsOf(built)).toEqual(await rowsOf(rm));
		expect(await rm.conflicts.count()).toBe(1);
		expect(await rm.choices.count()).toBe(1);
		expect(await rm.nextSteps.get('next-step:2026-27:c3')).toBeUndefined();
		fresh.stop();
		built.close();
	});

	if (stores) {
		it('reads the changes feed from the start when the stores give way part way through', async () => {
			await writeMixed();
			const built = openReadModel(`user-${n}-partial`);
			let given = false;
			const partial = new Projector(built, () => pouch, {
				// The first few changes are handed over, then the read gives up.
				readFirst: async (local, onChunk) => {
					await readSnapshot(local, (changes) => {
						if (!given) onChunk(changes.slice(0, 4));
						given = true;
					});
					return null;
				}
			});
			await partial.follow(DB);
			expect(given).toBe(true);
			expect(await rowsOf(built)).toEqual(await rowsOf(rm));
			partial.stop();
			built.close();
		});
	}

	it('takes a status from an update kept in another database, whichever is read first', async () => {
		const other = new PouchDB(`test-${n}-ash`);
		const dbFor = (db: string) => (db === 'school-ash' ? other : pouch);
		const both = projectorFor(rm, dbFor);
		await both.follow('school-ash');
		await put(step('a1'));
		await other.put(update('a1', 20, { status: 'done', evidence: 'Seen' }) as Put);
		await new Promise((r) => setTimeout(r, 50));
		await both.settled();
		await settle();
		expect((await rm.nextSteps.get('next-step:2026-27:a1'))?.status).toBe('done');
		both.stop();
		// Read by one projector, or by two (a later session): the second does not know the
		// first's updates, and finds them in the index.
		for (const [first, second, sessions] of [
			['school-ash', DB, 1],
			[DB, 'school-ash', 1],
			['school-ash', DB, 2]
		] as const) {
			const built = openReadModel(`user-${n}-${first}-${sessions}`);
			const one = projectorFor(built, dbFor);
			const two = sessions === 2 ? projectorFor(built, dbFor) : one;
			await one.follow(first);
			await two.follow(second);
			expect(await rowsOf(built)).toEqual(await rowsOf(rm));
			one.stop();
			two.stop();
			built.close();
		}
		await other.destroy();
	});

	it('reads the next database while the one before is written, and keeps what is written meanwhile', async () => {
		const other = new PouchDB(`test-${n}-ash`);
		const dbFor = (db: string) => (db === 'school-ash' ? other : pouch);
		await writeMixed();
		await other.put(update('a1', 27, { status: 'done', evidence: 'Seen' }) as Put);
		await other.put(step('e5') as Put);
		await new Promise((r) => setTimeout(r, 50));
		await projector.settled();
		const built = openReadModel(`user-${n}-ahead`);
		const reads: string[] = [];
		const ahead = new Projector(built, dbFor, {
			readFirst: async (local, onChunk) => {
				reads.push(local === other ? 'school-ash' : DB);
				return stores ? await readSnapshot(local, onChunk) : null;
			}
		});
		ahead.expect(['school-ash', DB]);
		await ahead.follow('school-ash');
		// The school's database was read before its turn, while the other one was written.
		expect(reads).toEqual(['school-ash', DB]);
		await changeMeanwhile();
		await ahead.follow(DB);
		expect(reads).toEqual(['school-ash', DB]);
		const live = new Projector(rm, dbFor);
		await live.follow('school-ash');
		await new Promise((r) => setTimeout(r, 50));
		await Promise.all([ahead.settled(), live.settled(), projector.settled()]);
		expect(await rowsOf(built)).toEqual(await rowsOf(rm));
		expect((await rm.nextSteps.get('next-step:2026-27:a1'))?.status).toBe('done');
		ahead.stop();
		live.stop();
		built.close();

		// A database whose turn came early (followed out of order) is not read a second time.
		const again = openReadModel(`user-${n}-early`);
		const readsAgain: string[] = [];
		let release = () => {};
		const held = new Promise<void>((r) => (release = r));
		const early = new Projector(again, dbFor, {
			readFirst: async (local, onChunk) => {
				readsAgain.push(local === other ? 'school-ash' : DB);
				if (local !== other) await held;
				return stores ? await readSnapshot(local, onChunk) : null;
			}
		});
		early.expect(['school-ash', DB]);
		const second = early.follow(DB);
		await early.follow('school-ash');
		release();
		await second;
		expect(readsAgain.sort()).toEqual([DB, 'school-ash'].sort());
		expect(await rowsOf(again)).toEqual(await rowsOf(rm));
		early.stop();
		again.close();
		await other.destroy();
	});

	it('keeps a change written while the read model is rebuilt', async () => {
		await writeMixed();
		projector.stop();
		projector = projectorFor(rm, () => pouch, changeMeanwhile);
		await projector.rebuild([DB]);
		const a1 = await rm.nextSteps.get('next-step:2026-27:a1');
		expect(a1?.status).toBe('done');
		expect((await progressOf(rm, a1!._id)).map((p) => p.doc.note)).toContain(
			'Pupils read fluently'
		);
		// The update that said done was deleted meanwhile: the other one at that moment counts.
		expect((await rm.nextSteps.get('next-step:2026-27:b2'))?.status).toBe('in-progress');
	});
});
