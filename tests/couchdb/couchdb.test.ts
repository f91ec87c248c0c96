import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	CONCERNS_DB,
	governorsDbName,
	overviewDocId,
	SCHEMAS,
	schoolDbName,
	TRUST_DB
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from '../../sync-server/src/access.ts';
import { CLI, NODE, PASSWORD, startServer, TEST_ENV, type Server } from '../server/helpers.ts';
import { call, couchFromEnv, MARK, type Json } from './couch.ts';

/**
 * Our server and a real Apache CouchDB side by side: the installer, the accounts it copies, the
 * move of the data by replication (both ways), and the bundled `validate_doc_update` run by
 * CouchDB's own JavaScript engine against our server's verdicts.
 */
const couch = couchFromEnv();
const admin = { user: couch.user, password: couch.password };
const C = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) =>
	call(couch.url, method, path, opts);
let ours: Server;
const O = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) =>
	call(ours.api, method, path, opts);
/** This run's own names, so that the suite can run again on the same CouchDB. */
const run = Date.now().toString(36);
const SCHOOLS = [
	'willow-bank',
	'oakfield',
	'ashcombe',
	'hawthorn',
	'st-aidans',
	'kingsmead',
	'millbrook'
];
const APP_DBS = [
	TRUST_DB,
	CONCERNS_DB,
	...SCHOOLS.flatMap((s) => [schoolDbName(s), governorsDbName(s)])
];
const PEOPLE = ['ceo', 'sil', 'head.oakfield', 'head.st-aidans', 'chair.oakfield'];

function installCouchDb(dataDir: string): Promise<{ code: number | null; out: string }> {
	return new Promise((resolve) => {
		const proc = spawn(NODE, [CLI, 'install-couchdb', couch.url], {
			env: {
				...process.env,
				...TEST_ENV,
				DATA_DIR: dataDir,
				COUCHDB_USER: couch.user,
				COUCHDB_PASSWORD: couch.password
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
		proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
		proc.on('exit', (code) => resolve({ code, out }));
	});
}

let installs: { code: number | null; out: string }[] = [];

beforeAll(async () => {
	const welcome = await C('GET', '/');
	expect(welcome.body.couchdb).toBe('Welcome');
	expect(String(welcome.body.version)).toMatch(/^3\./);
	const trust = await C('GET', `/${TRUST_DB}`, admin);
	if (trust.status === 200 && (await C('GET', `/${TRUST_DB}/${MARK}`, admin)).status !== 200) {
		throw new Error(
			`${couch.url} already has a trust database that this suite did not install: run it against an empty CouchDB`
		);
	}
	// A previous run's databases (marked, so ours) go: every run moves a freshly seeded trust.
	if (trust.status === 200) {
		const all = (await C('GET', '/_all_dbs', admin)).body as unknown as string[];
		for (const db of all.filter((d) => APP_DBS.includes(d) || d.startsWith('move-')))
			await C('DELETE', `/${encodeURIComponent(db)}`, admin);
	}
	for (const db of ['_users', '_replicator']) await C('PUT', `/${db}`, admin);

	// The demo trust on our server, stopped while the installer reads its data folder.
	const source = await startServer({
		env: { COUCHDB_USER: couch.user, COUCHDB_PASSWORD: couch.password }
	});
	await source.stop();
	installs = [await installCouchDb(source.dataDir)];
	await C('PUT', `/${TRUST_DB}/${MARK}`, { ...admin, body: { by: 'npm run test:couchdb' } });
	installs.push(await installCouchDb(source.dataDir));
	ours = await source.restart();
}, 180_000);

afterAll(async () => {
	await ours?.stop();
});

describe('install-couchdb into Apache CouchDB', () => {
	test('creates every database with its _security and rules, and runs again without harm', async () => {
		for (const { code, out } of installs) {
			expect(out).toContain('done: 7 school(s)');
			expect(code).toBe(0);
		}
		for (const db of APP_DBS) {
			const sec = await C('GET', `/${db}/_security`, admin);
			expect(sec.body).toEqual(defaultSecurity(db));
			const ddoc = await C('GET', `/${db}/_design/rules`, admin);
			expect(String(ddoc.body.validate_doc_update)).toMatch(/^function \(newDoc, oldDoc/);
		}
	});

	test('accounts copied by the installer sign in to CouchDB with their passwords', async () => {
		for (const name of PEOPLE) {
			const there = await C('POST', '/_session', { body: { name, password: PASSWORD } });
			expect(there.status, name).toBe(200);
			const here = await O('GET', '/_session', { user: name, password: PASSWORD });
			expect(there.body.roles, name).toEqual((here.body.userCtx as Json).roles);
			const wrong = await C('POST', '/_session', { body: { name, password: 'not-it-1' } });
			expect(wrong.status, name).toBe(401);
		}
		// A head reads their own school on CouchDB, not another's: the _security came across too.
		const head = { user: 'head.oakfield', password: PASSWORD };
		expect((await C('GET', '/school-oakfield', head)).status).toBe(200);
		expect((await C('GET', '/school-millbrook', head)).status).toBe(403);
		// The chair of governors reads the governors' copies only, on both servers alike.
		const chair = { user: 'chair.oakfield', password: PASSWORD };
		for (const [db, status] of [
			['/governors-oakfield', 200],
			['/school-oakfield', 403],
			['/trust', 403],
			['/concerns', 403]
		] as const) {
			expect((await C('GET', db, chair)).status, db).toBe(status);
			expect((await O('GET', db, chair)).status, db).toBe(status);
		}
	});
});

/** CouchDB's own replicator, run on CouchDB: the move described in sync-server/README.md. */
async function replicate(source: string, target: string): Promise<Json> {
	const auth = { basic: { username: couch.user, password: couch.password } };
	const r = await C('POST', '/_replicate', {
		...admin,
		body: { source: { url: source, auth }, target: { url: target, auth } }
	});
	expect(r.status, JSON.stringify(r.body)).toBe(200);
	expect(r.body.ok).toBe(true);
	const history = (r.body.history as Json[] | undefined)?.[0] ?? {};
	expect(history.doc_write_failures ?? 0, JSON.stringify(r.body)).toBe(0);
	return r.body;
}

type Leaf = { rev: string; deleted: boolean; body: Json };

/** Every leaf of every document (conflicts and deletions), with its history and attachment data. */
async function snapshot(
	get: typeof C,
	db: string,
	only?: (id: string) => boolean
): Promise<Record<string, Leaf[]>> {
	const changes = await get('GET', `/${db}/_changes?style=all_docs`, admin);
	expect(changes.status).toBe(200);
	const ids = (changes.body.results as unknown as { id: string }[])
		.map((r) => r.id)
		.filter((id) => !id.startsWith('_design/') && (only ? only(id) : true))
		.sort();
	const out: Record<string, Leaf[]> = {};
	for (const id of ids) {
		const r = await get(
			'GET',
			`/${db}/${encodeURIComponent(id)}?open_revs=all&revs=true&attachments=true`,
			admin
		);
		expect(r.status, id).toBe(200);
		out[id] = (r.body as unknown as { ok?: Json }[])
			.flatMap((x) => (x.ok ? [x.ok] : []))
			.map((doc) => {
				const atts = doc._attachments as Record<string, Json> | undefined;
				const body: Json = { ...doc };
				if (atts) {
					body._attachments = Object.fromEntries(
						Object.entries(atts).map(([name, a]) => [
							name,
							// The bytes, not the digest: CouchDB gzips text types and digests what it stores.
							{ content_type: a.content_type, data: a.data }
						])
					);
				}
				return { rev: String(doc._rev), deleted: doc._deleted === true, body };
			})
			.sort((a, b) => a.rev.localeCompare(b.rev));
	}
	return out;
}

/** A summary as sent to Oakfield's chair of governors (`governors-summary`), by the SIL. */
const governorsSummary = (id: string): Json => ({
	_id: `governors-summary:2026-27:${id}`,
	schemaVersion: 1,
	type: 'governors-summary',
	schoolId: 'oakfield',
	schoolName: 'Oakfield Primary School',
	year: '2026-27',
	term: 1,
	sentOn: '2026-10-20',
	by: 'sil',
	at: '2026-10-20T16:00:00Z',
	photosInPrint: false,
	report: {
		title: 'Summary of school improvement visits',
		subject: 'Oakfield Primary School',
		trustName: 'Riverside Learning Trust',
		termLabel: 'Autumn 1 (term 1), 2026-27',
		generatedOn: '2026-10-20',
		landscape: false,
		fileName: 'oakfield-governors-2026-27-t1',
		sections: [{ heading: 'Visits this year', blocks: [{ kind: 'paragraph', text: 'One.' }] }]
	}
});

describe('moving to CouchDB by replication', () => {
	test("each of the trust's databases arrives on CouchDB intact", async () => {
		// A school's governors' database is empty until a copy is sent: Oakfield's has one.
		const sent = governorsSummary('couchdb-move');
		const put = await O('PUT', `/governors-oakfield/${encodeURIComponent(String(sent._id))}`, {
			...admin,
			body: sent
		});
		expect(put.status).toBe(201);
		for (const db of APP_DBS) {
			await replicate(`${ours.api}/${db}`, `${couch.url}/${db}`);
			const here = await snapshot(O, db);
			if (!db.startsWith('governors-') || db === 'governors-oakfield')
				expect(Object.keys(here).length, db).toBeGreaterThan(0);
			expect(await snapshot(C, db, (id) => id in here), db).toEqual(here);
		}
	}, 180_000);

	test('attachments, conflicts and deletions cross both ways', async () => {
		const db = `move-${run}`;
		expect((await O('PUT', `/${db}`, admin)).status).toBe(201);
		expect((await C('PUT', `/${db}`, admin)).status).toBe(201);
		const png = Buffer.from('pretend this is a photo of pupils’ work').toString('base64');
		const h = (c: string) => c.repeat(32);

		// On our server: an attachment kept across an edit, a conflict, a deletion, a deleted branch.
		const photo = await O('PUT', `/${db}/photo`, {
			...admin,
			body: { v: 1, _attachments: { 'work.png': { content_type: 'image/png', data: png } } }
		});
		await O('PUT', `/${db}/photo`, {
			...admin,
			body: {
				v: 2,
				_rev: photo.body.rev,
				_attachments: {
					'work.png': { content_type: 'image/png', stub: true },
					'note.txt': { content_type: 'text/plain', data: Buffer.from('hi').toString('base64') }
				}
			}
		});
		const branches = await O('POST', `/${db}/_bulk_docs`, {
			...admin,
			body: {
				new_edits: false,
				docs: [
					{
						_id: 'conflicted',
						_rev: `2-${h('b')}`,
						_revisions: { start: 2, ids: [h('b'), h('a')] },
						v: 'b'
					},
					{
						_id: 'conflicted',
						_rev: `2-${h('c')}`,
						_revisions: { start: 2, ids: [h('c'), h('a')] },
						v: 'c'
					},
					{
						_id: 'half',
						_rev: `2-${h('d')}`,
						_revisions: { start: 2, ids: [h('d'), h('a')] },
						v: 'd'
					},
					{
						_id: 'half',
						_rev: `2-${h('e')}`,
						_revisions: { start: 2, ids: [h('e'), h('a')] },
						_deleted: true
					}
				]
			}
		});
		expect(branches.status).toBe(201);
		const gone = await O('PUT', `/${db}/gone`, { ...admin, body: { v: 1 } });
		await O('DELETE', `/${db}/gone?rev=${String(gone.body.rev)}`, admin);

		await replicate(`${ours.api}/${db}`, `${couch.url}/${db}`);
		const first = await snapshot(O, db);
		expect(first.conflicted).toHaveLength(2);
		expect(first.half?.map((l) => l.deleted).sort()).toEqual([false, true]);
		expect(first.gone?.[0]?.deleted).toBe(true);
		expect(Object.keys((first.photo?.[0]?.body._attachments as Json) ?? {}).sort()).toEqual([
			'note.txt',
			'work.png'
		]);
		expect(await snapshot(C, db)).toEqual(first);

		// On CouchDB: a new conflict, a deleted winner, a new document with an attachment; back to ours.
		const current = await C('GET', `/${db}/photo`, admin);
		const [pos, hash] = String(current.body._rev).split('-');
		const ancestors = (await C('GET', `/${db}/photo?revs=true`, admin)).body._revisions as {
			ids: string[];
		};
		await C('POST', `/${db}/_bulk_docs`, {
			...admin,
			body: {
				new_edits: false,
				docs: [
					{
						_id: 'photo',
						_rev: `${Number(pos)}-${h('f')}`,
						_revisions: { start: Number(pos), ids: [h('f'), ...ancestors.ids.slice(1)] },
						v: 'from the other device'
					}
				]
			}
		});
		expect(hash).toBeTruthy();
		const winner = await C('GET', `/${db}/conflicted`, admin);
		await C('DELETE', `/${db}/conflicted?rev=${String(winner.body._rev)}`, admin);
		await C('PUT', `/${db}/from-couch`, {
			...admin,
			body: { v: 1, _attachments: { 'a.txt': { content_type: 'text/plain', data: png } } }
		});

		await replicate(`${couch.url}/${db}`, `${ours.api}/${db}`);
		const second = await snapshot(C, db);
		expect(second.photo).toHaveLength(2);
		expect(second.conflicted?.filter((l) => l.deleted)).toHaveLength(1);
		expect(await snapshot(O, db)).toEqual(second);
	}, 120_000);
});

// ---- the rules, on both servers ----------------------------------------------------------------

type Outcome = { status: number; error?: unknown; reason?: unknown };
const WHO_FIELDS = ['createdBy', 'by', 'visitor', 'updatedBy'];
const ROLES = [couch.user, ...PEOPLE];

/** One case of the matrix: what a person does to a document of one type in one database. */
interface Case {
	name: string;
	type: string;
	user: string;
	db: string;
	/** Written by the administrator first (the document's current state), or none. */
	setup?: Json;
	/** The stored document itself (some types have one fixed id): read first, played one at a time. */
	stored?: string;
	write: (current: Json | null) => Json;
}

function casesFor(sample: Json, db: string): Case[] {
	const type = String(sample.type);
	const id = (op: string, user: string) => `${String(sample._id)}~${run}~${op}~${user}`;
	const { _rev: _drop, _attachments: _atts, ...plain } = sample;
	const touched = 'updatedAt' in plain ? { updatedAt: new Date().toISOString() } : { note: 'x' };
	const cases: Case[] = [];
	for (const user of ROLES) {
		const mine: Json = { ...plain };
		for (const f of WHO_FIELDS) if (f in mine) mine[f] = user;
		const base = { type, user, db };
		cases.push(
			{
				...base,
				name: 'creates one in their own name',
				write: () => ({ ...mine, _id: id('own', user) })
			},
			{
				...base,
				name: 'creates one as the sample reads',
				write: () => ({ ...plain, _id: id('as-is', user) })
			},
			{
				...base,
				name: 'creates an invalid one',
				write: () => ({ ...plain, _id: id('invalid', user), schemaVersion: 'one' })
			},
			{
				...base,
				name: 'edits one',
				setup: { ...plain, _id: id('edit', user) },
				write: (cur) => ({ ...cur, ...touched })
			},
			{
				...base,
				name: 'edits the stored one',
				stored: String(sample._id),
				write: (cur) => ({ ...cur, ...touched })
			},
			{
				...base,
				name: 'deletes one',
				setup: { ...plain, _id: id('delete', user) },
				write: (cur) => ({ _id: cur!._id, _rev: cur!._rev, _deleted: true })
			}
		);
	}
	return cases;
}

const password = (user: string) => (user === couch.user ? couch.password : PASSWORD);

/** The same steps on one server: the administrator's setup, then the person's write. */
async function play(get: typeof C, c: Case): Promise<Outcome[]> {
	const out: Outcome[] = [];
	let current: Json | null = null;
	if (c.setup) {
		const r = await get('PUT', `/${c.db}/${encodeURIComponent(String(c.setup._id))}`, {
			...admin,
			body: c.setup
		});
		out.push({ status: r.status, error: r.body.error, reason: r.body.reason });
		if (r.status !== 201) return out;
		current = { ...c.setup, _rev: r.body.rev };
	}
	if (c.stored) {
		const r = await get('GET', `/${c.db}/${encodeURIComponent(c.stored)}`, admin);
		out.push({ status: r.status, error: r.body.error, reason: r.body.reason });
		if (r.status !== 200) return out;
		current = r.body;
	}
	const doc = c.write(current);
	const r = await get('PUT', `/${c.db}/${encodeURIComponent(String(doc._id))}`, {
		user: c.user,
		password: password(c.user),
		body: doc
	});
	out.push({ status: r.status, error: r.body.error, reason: r.body.reason });
	return out;
}

describe('validate_doc_update run by CouchDB gives our server’s verdicts', () => {
	const cases: Case[] = [];
	const results: { c: Case; ours: Outcome[]; couch: Outcome[] }[] = [];

	beforeAll(async () => {
		// Types the demo trust does not seed: a valid one of each, stored on both servers first.
		const at = '2026-09-24T08:00:00Z';
		const extra: Json[] = [
			{
				_id: `walk:2026-27:t1:${run}`,
				schemaVersion: 1,
				type: 'learning-walk',
				schoolId: 'oakfield',
				visitId: `visit:2026-27:t1:${run}`,
				visitor: 'sil',
				date: '2026-09-24',
				lookFors: ['Vocabulary taught and modelled'],
				rooms: [],
				summary: 'Maths vocabulary is strong in year 4',
				createdAt: at,
				updatedAt: at
			},
			{
				_id: overviewDocId('2026-27', 6),
				schemaVersion: 1,
				type: 'school-overview',
				schoolId: 'oakfield',
				year: '2026-27',
				term: 6,
				commentary: 'Steady improvement in reading.',
				vulnerable: false,
				supportPlan: '',
				updatedBy: 'ceo',
				updatedAt: at
			},
			{
				_id: 'vulnerable:couchdb-matrix',
				schemaVersion: 1,
				type: 'vulnerable-mark',
				schoolId: 'oakfield',
				markedOn: '2026-09-28',
				markedBy: 'ceo',
				reason: 'Reading fell for a second year.',
				meetingOn: '2026-10-02',
				meetingNotes: 'Met the headteacher.',
				supportPlan: 'Fortnightly SIL visits on early reading.',
				updatedBy: 'ceo',
				updatedAt: at
			},
			{
				_id: 'review:couchdb-matrix',
				schemaVersion: 1,
				type: 'external-review',
				schoolId: 'oakfield',
				kind: 'ofsted',
				on: '2026-03-04',
				reviewer: 'Ofsted',
				headline: 'Pupils learn to read quickly.',
				inspection: {
					framework: 'ofsted-2025',
					grades: { inclusion: 'strong', achievement: 'expected' },
					safeguarding: 'met',
					nextWindow: { from: '2029-09-01', to: '2030-07-31' }
				},
				recordedBy: 'ceo',
				updatedBy: 'ceo',
				updatedAt: at
			},
			{
				_id: 'governors-copy:2026-27:couchdb-matrix',
				schemaVersion: 1,
				type: 'governors-copy',
				schoolId: 'oakfield',
				year: '2026-27',
				term: 1,
				sentOn: '2026-10-20',
				to: 'Chair of governors',
				by: 'sil',
				at
			},
			governorsSummary('couchdb-matrix'),
			{
				_id: 'concern:couchdb-matrix',
				schemaVersion: 1,
				type: 'concern',
				schoolId: 'oakfield',
				raisedOn: '2026-09-24',
				raisedBy: 'sil',
				title: 'Year 4 reading groups without a trained adult',
				seen: 'Two of the three groups were led by a cover supervisor.',
				level: 'action',
				actions: [
					{
						id: 'a1',
						on: '2026-09-28',
						text: 'Met the headteacher.',
						by: 'ceo',
						at
					}
				],
				updatedBy: 'ceo',
				updatedAt: at
			}
		];
		const seen = new Set<string>();
		for (const doc of extra) {
			seen.add(String(doc.type));
			const schema = SCHEMAS[doc.type as keyof typeof SCHEMAS].schema;
			expect(schema.safeParse(doc).success, String(doc.type)).toBe(true);
			// Concerns have their own database, which heads cannot open (concern.ts), and so have the
			// copies sent to the chair of governors.
			const db =
				doc.type === 'concern'
					? CONCERNS_DB
					: doc.type === 'governors-summary'
						? 'governors-oakfield'
						: 'school-oakfield';
			const path = `/${db}/${encodeURIComponent(String(doc._id))}`;
			expect((await O('PUT', path, { ...admin, body: doc })).status).toBe(201);
			expect((await C('PUT', path, { ...admin, body: doc })).status).toBe(201);
			cases.push(...casesFor(doc, db));
		}
		// One stored document of each type from the demo trust: a valid example of each.
		for (const db of [TRUST_DB, 'school-oakfield', 'governors-oakfield']) {
			const all = await O('GET', `/${db}/_all_docs?include_docs=true`, admin);
			for (const row of all.body.rows as unknown as { doc?: Json }[]) {
				const t = row.doc?.type;
				if (typeof t !== 'string' || seen.has(t) || !(t in SCHEMAS)) continue;
				seen.add(t);
				cases.push(...casesFor(row.doc!, db));
			}
		}
		// A few at a time: both servers validate the same case before the next batch.
		const serial = cases.filter((c) => c.stored);
		const parallel = cases.filter((c) => !c.stored);
		for (const c of serial) results.push({ c, ours: await play(O, c), couch: await play(C, c) });
		for (let i = 0; i < parallel.length; i += 8) {
			const batch = parallel.slice(i, i + 8);
			results.push(
				...(await Promise.all(
					batch.map(async (c) => ({ c, ours: await play(O, c), couch: await play(C, c) }))
				))
			);
		}
	}, 300_000);

	test('every case: the same status, error and reason from both servers', () => {
		expect(results.length).toBeGreaterThan(0);
		const differ = results
			.filter((r) => JSON.stringify(r.ours) !== JSON.stringify(r.couch))
			.map((r) => ({
				case: `${r.c.user} ${r.c.name} (${r.c.type})`,
				ours: r.ours,
				couch: r.couch
			}));
		expect(differ).toEqual([]);
	});

	test('the matrix covers each role and each document type, allowed and refused', () => {
		const allowed = (r: (typeof results)[number]) => r.couch.at(-1)!.status < 300;
		const types = new Set(results.map((r) => r.c.type));
		expect([...types].sort()).toEqual(Object.keys(SCHEMAS).sort());
		for (const t of types) {
			const of = results.filter((r) => r.c.type === t);
			expect(of.some(allowed), `${t} allowed`).toBe(true);
			expect(
				of.some((r) => !allowed(r)),
				`${t} refused`
			).toBe(true);
		}
		expect(results.length).toBeGreaterThan(200);
		// A head of another school is refused everything here, by the database's _security.
		const outsider = results.filter((r) => r.c.user === 'head.st-aidans');
		expect(
			outsider
				.filter((r) => r.couch.at(-1)!.status !== 403)
				.map((r) => `${r.c.name} (${r.c.type}): ${JSON.stringify(r.couch)}`)
		).toEqual([]);
		// The chair of governors writes nothing anywhere: they read the copies sent to them.
		const chair = results.filter((r) => r.c.user === 'chair.oakfield');
		expect(chair.length).toBeGreaterThan(0);
		expect(
			chair.filter(allowed).map((r) => `${r.c.name} (${r.c.type}): ${JSON.stringify(r.couch)}`)
		).toEqual([]);
		for (const user of ROLES.filter((u) => u !== 'head.st-aidans' && u !== 'chair.oakfield')) {
			const of = results.filter((r) => r.c.user === user);
			expect(of.some(allowed), `${user} allowed`).toBe(true);
			expect(
				of.some((r) => !allowed(r)),
				`${user} refused`
			).toBe(true);
		}
	});
});
