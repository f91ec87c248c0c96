import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextStep, visit } from '../../../tests/unit/fixtures';
import { PendingTracker } from './pending';

// The device's database (IndexedDB, as in the app) and a stand-in for the trust's copy. A new
// tracker on the same database is what the app has after a reload or a crash: nothing in memory.
let n = 0;
let local: PouchDB.Database;
let server: PouchDB.Database;
const DB = 'school-oakfield';
const tracker = () => new PendingTracker(() => local);

type Put = PouchDB.Core.PutDocument<object>;

/** Push as the replicator does, telling the tracker what the server accepted, then verify. */
async function push(t: PendingTracker) {
	const rep = local.replicate.to(server);
	void rep.on('change', (info) => void t.acknowledge(DB, info.docs, 'sent'));
	await rep;
	await t.verify(DB, server);
}

async function pull(t: PendingTracker) {
	const rep = local.replicate.from(server);
	void rep.on('change', (info) => void t.acknowledge(DB, info.docs, 'received'));
	await rep;
}

const ids = async (t: PendingTracker) => (await t.waiting(DB)).map((w) => w.id).sort();

beforeEach(() => {
	n++;
	local = new PouchDB(`pending-local-${n}`);
	server = new PouchDB(`pending-server-${n}`);
});

afterEach(async () => {
	await local.destroy();
	await server.destroy();
});

describe('what is waiting to be sent', () => {
	it('still counts an unsent edit after a reload, and only that record', async () => {
		await local.put(visit() as Put);
		await local.put(nextStep() as Put);
		await push(tracker());
		expect(await ids(tracker())).toEqual([]);

		// The server is unreachable now: the edit stays on the device.
		const v = await local.get('visit:2026-27:t2:v1');
		await local.put({ ...v, focus: 'Reading in year 3' });
		expect(await ids(tracker())).toEqual(['visit:2026-27:t2:v1']);
		// After a reload, a check that cannot reach the server proves nothing: still waiting.
		const afterReload = tracker();
		await expect(
			afterReload.verify(DB, new PouchDB('http://127.0.0.1:9/nowhere'))
		).rejects.toThrow();
		expect(await ids(tracker())).toEqual(['visit:2026-27:t2:v1']);

		await push(tracker());
		expect(await ids(tracker())).toEqual([]);
	});

	it('does not count what came from the trust, after a reload either', async () => {
		await server.put(nextStep() as Put);
		const t = tracker();
		await pull(t);
		expect(await ids(t)).toEqual([]);
		expect(await ids(tracker())).toEqual([]);
	});

	it('keeps a refused record waiting without holding back the others', async () => {
		// The trust refuses one document, as it does a write the person's role may not make.
		const write = server.bulkDocs.bind(server);
		server.bulkDocs = (async (req: { docs: { _id: string; focus?: string }[] }, opts: object) => {
			const refused = req.docs.filter((d) => d.focus === 'refused');
			const rest = req.docs.filter((d) => d.focus !== 'refused');
			const res = await write({ ...req, docs: rest } as never, opts as never);
			return [
				...res,
				...refused.map((d) => ({ id: d._id, error: 'forbidden', name: 'forbidden', status: 403 }))
			];
		}) as never;
		await local.put(visit({ focus: 'refused' }) as Put);
		await local.put(nextStep() as Put);
		await push(tracker());
		expect(await ids(tracker())).toEqual(['visit:2026-27:t2:v1']);

		// Later edits of other records are sent and stop waiting; the refused one stays.
		const s = await local.get('next-step:2026-27:a1');
		await local.put({ ...s, owner: 'English lead' });
		await push(tracker());
		expect(await ids(tracker())).toEqual(['visit:2026-27:t2:v1']);
	});

	it('counts a record with two versions until the server has both', async () => {
		await local.put(visit() as Put);
		await push(tracker());
		const v = await local.get('visit:2026-27:t2:v1');
		// This device's edit and another device's, both made on the same revision, side by side.
		const leaf = (hash: string, focus: string) => ({
			...v,
			_rev: `2-${hash}`,
			_revisions: { start: 2, ids: [hash, v._rev.slice(2)] },
			focus
		});
		await local.bulkDocs(
			[leaf('a'.repeat(32), 'From the laptop'), leaf('f'.repeat(32), 'From the tablet')] as Put[],
			{ new_edits: false }
		);
		expect(await ids(tracker())).toEqual(['visit:2026-27:t2:v1']);
		await push(tracker());
		expect(await ids(tracker())).toEqual([]);
	});

	it('remembers when a record reached the trust', async () => {
		const at = new Date('2026-11-25T16:39:00Z');
		const t = new PendingTracker(
			() => local,
			() => at
		);
		await local.put(visit() as Put);
		await push(t);
		expect((await tracker().sentTimes(DB))['visit:2026-27:t2:v1']).toBe(at.toISOString());
	});

	it('starts from the mark an earlier version kept elsewhere, once', async () => {
		await local.put(visit() as Put);
		const { last_seq } = await local.changes({ since: 0 });
		await local.put(nextStep() as Put);
		const upgraded = new PendingTracker(
			() => local,
			undefined,
			() => String(last_seq)
		);
		expect((await upgraded.waiting(DB)).map((w) => w.id)).toEqual(['next-step:2026-27:a1']);
	});
});
