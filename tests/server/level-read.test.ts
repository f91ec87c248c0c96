/**
 * The direct LevelDB reader must give PouchDB's own answers. One database holds every shape of
 * revision history the reader meets (edits, deletions, conflicts, a branch that won by deletion of
 * the other, a stemmed history, attachments, checkpoints); each question is put to both and the
 * answers compared, before and after compaction.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { winnerBodiesViaPouch } from '../../sync-server/src/concern-read.ts';
import { bulkGetViaPouch } from '../../sync-server/src/routes/db.ts';
import { LevelReader, type Metadata } from '../../sync-server/src/level-read.ts';
import { Storage, type Doc, type Pouch } from '../../sync-server/src/storage.ts';
import { tmpDir } from './helpers.ts';

let dir: string;
let storage: Storage;
let db: Pouch;
let reader: LevelReader;
const ids: string[] = [];

/** Every revision in a document's tree, and the leaves. */
async function revsOf(id: string): Promise<{ all: string[]; leaves: string[] }> {
	const [meta] = (await reader.metadata([id])) as [Metadata];
	const all: string[] = [];
	const leaves: string[] = [];
	const walk = (pos: number, node: Metadata['rev_tree'][number]['ids']) => {
		all.push(`${pos}-${node[0]}`);
		if (!node[2].length) leaves.push(`${pos}-${node[0]}`);
		for (const child of node[2]) walk(pos + 1, child);
	};
	for (const root of meta.rev_tree) walk(root.pos, root.ids);
	return { all, leaves };
}

const put = async (doc: Doc) => (await db.put(doc)).rev;
const replicated = (docs: Doc[]) => db.bulkDocs(docs, { new_edits: false });

beforeAll(async () => {
	dir = tmpDir('level-read');
	storage = new Storage(dir, true);
	db = (await storage.ensure('school-x', {
		admins: { names: [], roles: [] },
		members: { names: [], roles: [] }
	}))!;
	reader = (await storage.reader('school-x'))!;
	expect(reader).toBeInstanceOf(LevelReader);

	for (let i = 0; i < 6; i++) ids.push((await db.put({ _id: `plain-${i}`, n: i })).id);
	// Edited several times, between other writes, so older sequence entries are superseded.
	let rev = await put({ _id: 'edited', v: 0 });
	for (let v = 1; v < 5; v++) {
		await put({ _id: `filler-${v}`, v });
		rev = await put({ _id: 'edited', _rev: rev, v });
	}
	const gone = await put({ _id: 'deleted', v: 1 });
	await db.put({ _id: 'deleted', _rev: gone, _deleted: true });
	await replicated([
		{ _id: 'conflict', _rev: '1-aaa', v: 'a' },
		{ _id: 'conflict', _rev: '1-bbb', v: 'b' }
	]);
	await replicated([
		{ _id: 'branches', _rev: '3-ccc', v: 1, _revisions: { start: 3, ids: ['ccc', 'bbb', 'aaa'] } },
		{ _id: 'branches', _rev: '3-ddd', v: 2, _revisions: { start: 3, ids: ['ddd', 'bbb', 'aaa'] } },
		{ _id: 'branches', _rev: '2-eee', v: 3, _revisions: { start: 2, ids: ['eee', 'aaa'] } }
	]);
	// The longer branch is deleted, so the shorter one wins.
	await replicated([
		{ _id: 'deleted-branch', _rev: '1-x', v: 1 },
		{
			_id: 'deleted-branch',
			_rev: '3-z',
			_deleted: true,
			_revisions: { start: 3, ids: ['z', 'y', 'x'] }
		},
		{ _id: 'deleted-branch', _rev: '2-w', v: 2, _revisions: { start: 2, ids: ['w', 'x'] } }
	]);
	// History stemmed: the tree starts at revision 8.
	await replicated([
		{ _id: 'stemmed', _rev: '9-nine', v: 9, _revisions: { start: 9, ids: ['nine', 'eight'] } }
	]);
	const att = await put({
		_id: 'with-photo',
		_attachments: {
			'p.txt': { content_type: 'text/plain', data: Buffer.from('hello').toString('base64') }
		}
	});
	await put({ ...(await db.get('with-photo', { rev: att })), caption: 'a photo' });
	await db.put({ _id: '_local/checkpoint', last_seq: 3 });
	ids.push(
		'edited',
		'deleted',
		'conflict',
		'branches',
		'deleted-branch',
		'stemmed',
		'with-photo',
		'filler-1'
	);
});

afterAll(async () => {
	await storage.closeAll();
	fs.rmSync(dir, { recursive: true, force: true });
});

/** PouchDB's page without the documents PouchDB attaches internally. */
async function pouchChanges(since: number, limit: number | undefined, style: string) {
	const page = await db.changes({
		since,
		style,
		return_docs: true,
		...(limit === undefined ? {} : { limit })
	});
	return {
		results: page.results.map(({ id, changes, seq, deleted }) => ({
			id,
			changes,
			seq,
			...(deleted ? { deleted } : {})
		})),
		last_seq: page.last_seq
	};
}

function compareAll(label: string) {
	describe(label, () => {
		it('pages _changes as PouchDB does, for every since, limit and style', async () => {
			const { update_seq } = await db.info();
			let compared = 0;
			for (let since = 0; since <= Number(update_seq) + 1; since++) {
				for (const limit of [undefined, 0, 1, 2, 3, 7]) {
					for (const style of ['main_only', 'all_docs'] as const) {
						const ours = await reader.changes(since, limit, style);
						expect(ours, `since ${since}, limit ${limit}, ${style}`).toEqual(
							await pouchChanges(since, limit, style)
						);
						compared += ours.results.length;
					}
				}
			}
			expect(compared).toBeGreaterThan(100);
		});

		it('answers _revs_diff as PouchDB does', async () => {
			const request: Record<string, string[]> = { 'never-written': ['1-abc'] };
			for (const id of ids) {
				const { all } = await revsOf(id);
				request[id] = [...all, '1-unknown', '99-zzz', all[0]!];
			}
			expect(await reader.revsDiff(request)).toEqual(await db.revsDiff(request));
		});

		it('answers _bulk_get as PouchDB does, for every revision and option', async () => {
			const requests: { id: string; rev?: string }[] = [{ id: 'never-written' }];
			for (const id of ids) {
				requests.push({ id }, { id, rev: '1-unknown' });
				for (const rev of (await revsOf(id)).all) requests.push({ id, rev });
			}
			for (const revs of [false, true]) {
				for (const latest of [false, true]) {
					const opts = { revs, latest, attachments: false };
					const ours = await reader.bulkGet(requests, opts);
					const theirs = await Promise.all(requests.map((r) => bulkGetViaPouch(db, r, opts)));
					expect(ours, JSON.stringify(opts)).toEqual(theirs);
				}
			}
		});

		it('leaves attachment data to PouchDB', async () => {
			const [withData] = await reader.bulkGet([{ id: 'with-photo' }], {
				revs: false,
				latest: false,
				attachments: true
			});
			expect(withData).toBeNull();
		});

		it('recognises the layout by the update sequence PouchDB reports', async () => {
			const seq = Number((await db.info()).update_seq);
			expect(await reader.matchesLayout(seq)).toBe(true);
			expect(await reader.matchesLayout(seq + 1)).toBe(false);
		});

		it('reads each winning revision as get(id) does', async () => {
			const metas = await reader.metadata([...ids, 'never-written']);
			const winners = await reader.winners(metas);
			const expected = await Promise.all(
				[...ids, 'never-written'].map((id) => db.get(id).catch(() => null))
			);
			expect(winners).toEqual(expected);
		});

		it('reads each winning revision, a deletion too, as PouchDB gives it (concern-read.ts)', async () => {
			const all = [...ids, 'never-written'];
			const ours = await reader.winnerBodies(all);
			expect(ours).toEqual(await winnerBodiesViaPouch(db, all));
			expect(ours.filter((d) => d?._deleted).length).toBeGreaterThan(0);
		});
	});
}

compareAll('before compaction');

describe('after compaction', () => {
	beforeAll(async () => {
		await (db as unknown as { compact(): Promise<unknown> }).compact();
	});
	compareAll('compacted');
});

it('a database reopened after a restart is read directly again', async () => {
	await storage.closeAll();
	storage = new Storage(dir, true);
	db = (await storage.get('school-x'))!;
	expect(Number((await db.info()).update_seq)).toBeGreaterThan(20);
	reader = (await storage.reader('school-x'))!;
	expect(reader).toBeInstanceOf(LevelReader);
	expect(await reader.changes(0, 3, 'main_only')).toEqual(await pouchChanges(0, 3, 'main_only'));
});
