import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mayReadConcernsOf, type UserCtx } from '../../src/lib/domain/index.ts';
import {
	api,
	closeClients,
	localDb,
	now,
	PASSWORD,
	remoteDb,
	startServer,
	uid,
	type Json,
	type Server
} from './helpers.ts';

// Concerns are one database that every SIL and the CEO replicate, but on our server a person reads
// only the concerns `mayReadConcernsOf` gives them: the CEO and admins all; a SIL their assigned
// schools', except a school they lead. Every read path is tried over HTTP, and real PouchDB
// replicates the filtered feed.

let server: Server;
beforeAll(async () => {
	server = await startServer();
	for (const [name, roles] of Object.entries(ACCOUNTS)) {
		const r = await api(server, 'PUT', `/_users/org.couchdb.user:${name}`, {
			...admin,
			body: { _id: `org.couchdb.user:${name}`, type: 'user', name, roles, password: PASSWORD }
		});
		expect(r.status, JSON.stringify(r.body)).toBe(201);
	}
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

const admin = { user: 'admin' };
const SCHOOLS = ['oakfield', 'hawthorn', 'st-aidans', 'millbrook'] as const;
const tag = uid().slice(0, 6);
/** Accounts made for these tests, beside the demo's `ceo`, `admin` and `sil` (all schools but Millbrook). */
const ACCOUNTS: Record<string, string[]> = {
	// A SIL of Hawthorn only.
	[`silb-${tag}`]: ['sil', 'school:hawthorn'],
	// The head of Oakfield who is Hawthorn's SIL.
	[`exec-${tag}`]: ['head', 'sil', 'head:oakfield', 'school:oakfield', 'school:hawthorn'],
	// A SIL with no school yet.
	[`new-${tag}`]: ['sil'],
	// A SIL of Millbrook and St Aidan's.
	[`silm-${tag}`]: ['sil', 'school:millbrook', 'school:st-aidans'],
	// The CEO who also supports one school: reads every concern.
	[`ceosil-${tag}`]: ['ceo', 'sil', 'school:hawthorn']
};
const silB = { user: `silb-${tag}` };
const exec = { user: `exec-${tag}` };
const userCtx = (name: string): UserCtx => ({
	name,
	roles:
		ACCOUNTS[name] ??
		{
			ceo: ['ceo'],
			admin: ['admin'],
			sil: ['sil', 'school:willow-bank', 'school:oakfield', 'school:ashcombe'].concat([
				'school:hawthorn',
				'school:st-aidans',
				'school:kingsmead'
			])
		}[name]!
});

const DB = '/concerns';
const docPath = (id: string) => `${DB}/${encodeURIComponent(id)}`;

const concern = (schoolId: string, over: Json = {}): Json & { _id: string } => ({
	_id: `concern:${uid()}`,
	schemaVersion: 1,
	type: 'concern',
	schoolId,
	raisedOn: '2026-11-20',
	raisedBy: 'sil',
	title: `Leadership at ${schoolId}`,
	seen: 'The head has not met the governors this term.',
	level: 'action',
	actions: [],
	updatedBy: 'sil',
	updatedAt: now(),
	...over
});

/** Written by an administrator (the rules let them write any school's concern). */
async function write(...docs: (Json & { _id: string })[]): Promise<Map<string, string>> {
	const r = await api(server, 'POST', `${DB}/_bulk_docs`, { ...admin, body: { docs } });
	expect(r.status).toBe(201);
	const revs = new Map<string, string>();
	for (const row of r.body as unknown as Json[]) {
		expect(row.ok, JSON.stringify(row)).toBe(true);
		revs.set(String(row.id), String(row.rev));
	}
	return revs;
}

const updateSeq = async () =>
	Number((await api(server, 'GET', DB, { user: 'ceo' })).body.update_seq);

async function replicatedIds(user: string): Promise<Set<string>> {
	const device = localDb(`concerns-${user}`);
	const result = await device.replicate.from(remoteDb(server, 'concerns', user));
	expect(result.ok).toBe(true);
	const rows = (await device.allDocs()).rows;
	return new Set(rows.map((r) => r.id));
}

describe('a lead reads only their own schools’ concerns', () => {
	let a: Json & { _id: string };
	let b: Json & { _id: string };
	let aRev: string;
	beforeAll(async () => {
		a = concern('oakfield');
		b = concern('hawthorn');
		const revs = await write(a, b);
		aRev = revs.get(a._id)!;
	});

	test('replicating the concerns, a SIL of Hawthorn gets Hawthorn’s and not Oakfield’s', async () => {
		const ids = await replicatedIds(silB.user);
		expect(ids.has(b._id)).toBe(true);
		expect(ids.has(a._id)).toBe(false);
		// Nor the demo's concern about St Aidan's.
		expect([...ids].every((id) => !id.includes('st-aidans'))).toBe(true);
	});

	test('the head of Oakfield who is Hawthorn’s SIL gets Hawthorn’s only', async () => {
		const ids = await replicatedIds(exec.user);
		expect(ids.has(b._id)).toBe(true);
		expect(ids.has(a._id)).toBe(false);
	});

	test('the CEO gets every concern', async () => {
		const ids = await replicatedIds('ceo');
		expect(ids.has(a._id)).toBe(true);
		expect(ids.has(b._id)).toBe(true);
		expect(ids.has('concern:st-aidans-2026-phonics')).toBe(true);
	});

	test('another school’s concern is missing by every read', async () => {
		const all = await api(server, 'GET', `${DB}/_all_docs?include_docs=true`, silB);
		const listed = (all.body.rows as Json[]).map((r) => r.id);
		expect(listed).toContain(b._id);
		expect(listed).not.toContain(a._id);
		expect(JSON.stringify(all.body)).not.toContain('Leadership at oakfield');

		const keys = await api(server, 'POST', `${DB}/_all_docs?include_docs=true`, {
			...silB,
			body: { keys: [a._id, b._id] }
		});
		expect(keys.body.rows).toEqual([
			{ key: a._id, error: 'not_found' },
			expect.objectContaining({ id: b._id, doc: expect.objectContaining({ schoolId: 'hawthorn' }) })
		]);

		const bulk = await api(server, 'POST', `${DB}/_bulk_get?revs=true`, {
			...silB,
			body: { docs: [{ id: a._id, rev: aRev }, { id: a._id }, { id: b._id }] }
		});
		const docs = (bulk.body.results as { docs: Json[] }[]).map((r) => r.docs[0]!);
		expect(docs[0]).toEqual({
			error: { id: a._id, rev: aRev, error: 'not_found', reason: 'missing' }
		});
		expect(docs[1]).toMatchObject({ error: { id: a._id, error: 'not_found' } });
		expect(docs[2]).toMatchObject({ ok: { _id: b._id, schoolId: 'hawthorn' } });

		for (const query of ['', '?revs=true', '?revs_info=true', '?conflicts=true', `?rev=${aRev}`]) {
			const got = await api(server, 'GET', docPath(a._id) + query, silB);
			expect(got, query).toMatchObject({ status: 404, body: { error: 'not_found' } });
		}
		const allRevs = await api(server, 'GET', `${docPath(a._id)}?open_revs=all`, silB);
		expect(allRevs.status).toBe(404);
		const byRev = await api(
			server,
			'GET',
			`${docPath(a._id)}?revs=true&latest=true&open_revs=${encodeURIComponent(JSON.stringify([aRev]))}`,
			silB
		);
		expect(byRev).toMatchObject({ status: 200, body: [{ missing: aRev }] });
		// As a document that never existed.
		const never = await api(server, 'GET', docPath(`concern:${uid()}`), silB);
		expect(never.body).toEqual((await api(server, 'GET', docPath(a._id), silB)).body);

		const feed = await api(server, 'GET', `${DB}/_changes?include_docs=true&style=all_docs`, silB);
		const fed = (feed.body.results as Json[]).map((r) => r.id);
		expect(fed).toContain(b._id);
		expect(fed).not.toContain(a._id);
		const named = await api(server, 'POST', `${DB}/_changes?filter=_doc_ids`, {
			...silB,
			body: { doc_ids: [a._id, b._id] }
		});
		expect((named.body.results as Json[]).map((r) => r.id)).toEqual([b._id]);

		// Their own school's concern reads as before; the CEO reads Oakfield's.
		expect((await api(server, 'GET', docPath(b._id), silB)).status).toBe(200);
		expect((await api(server, 'GET', docPath(a._id), { user: 'ceo' })).status).toBe(200);
	});

	test('an attachment of another school’s concern is missing too', async () => {
		const c = concern('oakfield');
		const revs = await write(c);
		const put = await api(server, 'PUT', `${docPath(c._id)}/notes.txt?rev=${revs.get(c._id)}`, {
			...admin,
			raw: 'what was seen',
			headers: { 'Content-Type': 'text/plain' }
		});
		if (put.status !== 201) return; // the concern schema takes no attachments: nothing to read
		const att = `${docPath(c._id)}/notes.txt`;
		expect((await api(server, 'GET', att, silB)).status).toBe(404);
		expect((await api(server, 'GET', att, { user: 'ceo' })).status).toBe(200);
	});

	test('a lead cannot read another school’s concern back through a write', async () => {
		// Overwriting it is refused by the rules, and the answer carries no part of it.
		const r = await api(server, 'PUT', docPath(a._id), {
			...silB,
			body: { ...concern('hawthorn', { raisedBy: silB.user, updatedBy: silB.user }), _id: a._id }
		});
		expect(r.status).toBe(409);
		expect(JSON.stringify(r.body)).not.toContain('oakfield');
	});
});

describe('a filtered feed', () => {
	test('with limit=1 whose first changes are another school’s still reaches the next one', async () => {
		const since = await updateSeq();
		const hidden = [concern('oakfield'), concern('oakfield'), concern('millbrook')];
		for (const doc of hidden) await write(doc);
		const seen = concern('hawthorn');
		await write(seen);
		const first = await api(server, 'GET', `${DB}/_changes?since=${since}&limit=1`, silB);
		expect(first.body.results).toEqual([expect.objectContaining({ id: seen._id })]);
		const seq = Number((first.body.results as Json[])[0]!.seq);
		expect(Number(first.body.last_seq)).toBe(seq);
		// Past it, nothing more for them: the feed ends where the database does, so they checkpoint.
		await write(concern('oakfield'));
		const rest = await api(server, 'GET', `${DB}/_changes?since=${seq}&limit=1`, silB);
		expect(rest.body.results).toEqual([]);
		expect(Number(rest.body.last_seq)).toBe(await updateSeq());
		// The CEO's feed is not filtered: the first change is the first hidden one.
		const ceo = await api(server, 'GET', `${DB}/_changes?since=${since}&limit=1`, { user: 'ceo' });
		expect(ceo.body.results).toEqual([expect.objectContaining({ id: hidden[0]!._id })]);
	});

	test('longpoll waits past another school’s concern and wakes for their own', async () => {
		const since = await updateSeq();
		const waiting = api(
			server,
			'GET',
			`${DB}/_changes?feed=longpoll&since=${since}&heartbeat=1000`,
			silB
		);
		await new Promise((r) => setTimeout(r, 300));
		await write(concern('oakfield'));
		await new Promise((r) => setTimeout(r, 300));
		const mine = concern('hawthorn');
		await write(mine);
		const got = await waiting;
		expect((got.body.results as Json[]).map((r) => r.id)).toEqual([mine._id]);

		// Timed out with nothing for them, it says how far it read, so the replicator checkpoints.
		const from = await updateSeq();
		const timed = api(
			server,
			'GET',
			`${DB}/_changes?feed=longpoll&since=${from}&timeout=800`,
			silB
		);
		await new Promise((r) => setTimeout(r, 200));
		await write(concern('oakfield'));
		const end = await timed;
		expect(end.body.results).toEqual([]);
		expect(Number(end.body.last_seq)).toBe(from + 1);
	});

	test('continuous streams only their own schools’ concerns', async () => {
		const since = await updateSeq();
		const hidden = concern('oakfield');
		const mine = concern('hawthorn');
		await write(hidden, mine);
		const r = await fetch(
			`${server.api}${DB}/_changes?feed=continuous&since=${since}&timeout=500`,
			{
				headers: {
					Authorization: 'Basic ' + Buffer.from(`${silB.user}:${PASSWORD}`).toString('base64')
				}
			}
		);
		const lines = (await r.text())
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l) as Json);
		expect(lines.filter((l) => l.id).map((l) => l.id)).toEqual([mine._id]);
		expect(Number(lines.at(-1)!.last_seq)).toBe(since + 2);
	});

	test('a deletion without content passes as a bare tombstone; one naming a school follows it', async () => {
		const bare = concern('oakfield');
		const named = concern('oakfield');
		const revs = await write(bare, named);
		const since = await updateSeq();
		const del = await api(
			server,
			'DELETE',
			`${docPath(bare._id)}?rev=${revs.get(bare._id)}`,
			admin
		);
		expect(del.status).toBe(200);
		await write({ ...named, _rev: revs.get(named._id)!, _deleted: true });
		const feed = await api(server, 'GET', `${DB}/_changes?since=${since}&include_docs=true`, silB);
		expect(feed.body.results).toEqual([
			expect.objectContaining({
				id: bare._id,
				deleted: true,
				doc: { _id: bare._id, _rev: String(del.body.rev), _deleted: true }
			})
		]);
		const bulk = await api(server, 'POST', `${DB}/_bulk_get?revs=true`, {
			...silB,
			body: { docs: [{ id: bare._id, rev: String(del.body.rev) }, { id: named._id }] }
		});
		const docs = (bulk.body.results as { docs: Json[] }[]).map((r) => r.docs[0]!);
		expect(docs[0]).toMatchObject({ ok: { _id: bare._id, _deleted: true } });
		expect(JSON.stringify(docs)).not.toContain('Leadership');
		expect(docs[1]).toMatchObject({ error: { error: 'not_found' } });
	});
});

describe('what a person reads by any path is what the rule gives them', () => {
	const users = ['ceo', 'admin', 'sil', ...Object.keys(ACCOUNTS)];

	/** Everything `user` can read of the concerns, path by path: the ids each one gives. */
	async function readable(user: string, universe: string[]): Promise<Record<string, string[]>> {
		const who = { user };
		const sorted = (ids: unknown[]) => ids.map(String).sort();
		const live = (rows: Json[]) => rows.filter((r) => !r.deleted);
		const changes = await api(server, 'GET', `${DB}/_changes?style=all_docs`, who);
		const withDocs = await api(server, 'GET', `${DB}/_changes?include_docs=true`, who);
		const paged: string[] = [];
		for (let since: unknown = 0; ;) {
			const page = await api(server, 'GET', `${DB}/_changes?limit=3&since=${String(since)}`, who);
			paged.push(...live(page.body.results as Json[]).map((r) => String(r.id)));
			if ((page.body.results as Json[]).length === 0) break;
			since = page.body.last_seq;
		}
		const all = await api(server, 'GET', `${DB}/_all_docs?include_docs=true`, who);
		const keys = await api(server, 'POST', `${DB}/_all_docs`, { ...who, body: { keys: universe } });
		const bulk = await api(server, 'POST', `${DB}/_bulk_get`, {
			...who,
			body: { docs: universe.map((id) => ({ id })) }
		});
		const gets: string[] = [];
		for (const id of universe.slice(-6)) {
			if ((await api(server, 'GET', docPath(id), who)).status === 200) gets.push(id);
		}
		return {
			changes: sorted(live(changes.body.results as Json[]).map((r) => r.id)),
			includeDocs: sorted(
				live(withDocs.body.results as Json[])
					.filter((r) => (r.doc as Json).title !== undefined)
					.map((r) => r.id)
			),
			paged: sorted(paged),
			allDocs: sorted((all.body.rows as Json[]).map((r) => r.id)),
			keys: sorted((keys.body.rows as Json[]).filter((r) => !r.error).map((r) => r.id)),
			bulkGet: sorted(
				(bulk.body.results as { id: string; docs: Json[] }[])
					.filter((r) => 'ok' in r.docs[0]!)
					.map((r) => r.id)
			),
			get: sorted(gets),
			replicated: sorted([...(await replicatedIds(user))])
		};
	}

	test('random concerns, random people', { timeout: 120_000 }, async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.constantFrom(...SCHOOLS), { maxLength: 4 }),
				fc.constantFrom(...users),
				async (schools, user) => {
					if (schools.length) await write(...schools.map((s) => concern(s)));
					const ceo = await api(server, 'GET', `${DB}/_all_docs?include_docs=true`, {
						user: 'ceo'
					});
					const every = (ceo.body.rows as { id: string; doc: Json }[]).map((r) => r.doc);
					const universe = every.map((d) => String(d._id));
					const ctx = userCtx(user);
					const expected = every
						.filter((d) => mayReadConcernsOf(ctx, String(d.schoolId)))
						.map((d) => String(d._id))
						.sort();
					const got = await readable(user, universe);
					for (const [path, ids] of Object.entries(got)) {
						const want =
							path === 'get' ? expected.filter((id) => universe.slice(-6).includes(id)) : expected;
						expect(ids, `${user} by ${path}`).toEqual(want);
					}
				}
			),
			{ numRuns: 14 }
		);
	});
});
