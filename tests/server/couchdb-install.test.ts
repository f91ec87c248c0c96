import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { validateDocUpdate, type UserCtx } from '../../src/lib/domain/index.ts';
import { buildValidateFunction, installCouchDb } from '../../sync-server/src/couchdb-install.ts';
import { Storage } from '../../sync-server/src/storage.ts';
import {
	api,
	nextStep,
	PASSWORD,
	progressUpdate,
	startServer,
	type Json,
	type Server
} from './helpers.ts';

type Doc = Json & { _id: string };
let source: string;
let run: (newDoc: Doc, oldDoc: Doc | null, user: UserCtx, db: string) => string;

beforeAll(async () => {
	source = await buildValidateFunction();
	// A bare context: no require, no process, no console; only what a JavaScript engine has. Like
	// CouchDB's QuickJS sandbox (checked against Apache CouchDB 3.5 by test:couchdb), no Promise.
	const context = vm.createContext({});
	vm.runInContext('delete globalThis.Promise;', context);
	vm.runInContext(`var validate_doc_update = (${source});`, context);
	const call = vm.runInContext(
		`(function (json) {
			var a = JSON.parse(json);
			try { validate_doc_update(a.newDoc, a.oldDoc, a.userCtx, a.secObj); return 'ok'; }
			catch (e) { return e && e.forbidden ? 'forbidden: ' + e.forbidden : 'threw: ' + String(e); }
		})`,
		context
	) as (json: string) => string;
	run = (newDoc, oldDoc, user, db) =>
		call(
			JSON.stringify({
				newDoc,
				oldDoc,
				userCtx: { db, name: user.name, roles: user.roles },
				secObj: {}
			})
		);
});

const sil: UserCtx = { name: 'sil', roles: ['sil', 'school:oakfield'] };
const head: UserCtx = { name: 'head.oakfield', roles: ['head', 'school:oakfield'] };
const ceo: UserCtx = { name: 'ceo', roles: ['ceo'] };
const admin: UserCtx = { name: 'admin', roles: ['_admin'] };

const visit = (status: string, extra: Json = {}): Doc => ({
	_id: 'visit:2026-27:t1:abc',
	schemaVersion: 1,
	type: 'visit',
	schoolId: 'oakfield',
	year: '2026-27',
	term: 1,
	date: '2026-09-24',
	visitor: 'sil',
	status,
	attendees: [],
	focus: 'Targets',
	documents: [],
	activities: [],
	discussion: [],
	frameworkId: 'ofsted-2025',
	evaluations: [],
	safeguarding: null,
	daysUsed: 1,
	addenda: [],
	createdAt: '2026-09-24T08:00:00Z',
	updatedAt: '2026-09-24T16:00:00Z',
	...extra
});
const school: Doc = {
	_id: 'school:new',
	schemaVersion: 1,
	type: 'school',
	id: 'new',
	name: 'New Primary',
	phase: 'primary',
	category: '2a',
	strand: 'preventative'
};

const concern = (extra: Json = {}): Doc => ({
	_id: 'concern:abc',
	schemaVersion: 1,
	type: 'concern',
	schoolId: 'oakfield',
	raisedOn: '2026-09-24',
	raisedBy: 'sil',
	title: 'Year 4 reading groups without a trained adult',
	seen: 'Two of the three groups were led by a cover supervisor.',
	level: 'urgent',
	actions: [],
	updatedBy: 'sil',
	updatedAt: '2026-09-24T16:00:00Z',
	...extra
});
const ceoAction = {
	actions: [
		{ id: 'a1', on: '2026-09-25', text: 'Met the head.', by: 'ceo', at: '2026-09-25T09:00:00Z' }
	],
	updatedBy: 'ceo'
};

const CASES: [string, Doc, Doc | null, UserCtx, string][] = [
	['SIL raises a concern', concern(), null, sil, 'concerns'],
	[
		'head raises a concern',
		concern({ raisedBy: 'head.oakfield', updatedBy: 'head.oakfield' }),
		null,
		head,
		'concerns'
	],
	['CEO records what was done', concern(ceoAction), concern(), ceo, 'concerns'],
	[
		'SIL records what was done',
		concern({ ...ceoAction, updatedBy: 'sil' }),
		concern(),
		sil,
		'concerns'
	],
	['SIL records a next step', nextStep('oakfield'), null, sil, 'school-oakfield'],
	[
		'head records a next step',
		nextStep('oakfield', 'head.oakfield'),
		null,
		head,
		'school-oakfield'
	],
	[
		'next step without words',
		{ ...nextStep('oakfield'), action: '' },
		null,
		sil,
		'school-oakfield'
	],
	['next step for another school', nextStep('hawthorn'), null, sil, 'school-oakfield'],
	[
		'head adds progress',
		progressUpdate('oakfield', 'head.oakfield'),
		null,
		head,
		'school-oakfield'
	],
	[
		"progress in someone else's name",
		progressUpdate('oakfield', 'sil'),
		null,
		head,
		'school-oakfield'
	],
	[
		'progress edited',
		progressUpdate('oakfield', 'head.oakfield'),
		progressUpdate('oakfield', 'head.oakfield'),
		head,
		'school-oakfield'
	],
	[
		'head confirms a shared record',
		visit('confirmed', {
			confirmation: { by: 'head.oakfield', at: '2026-09-26T09:00:00Z', comment: '' }
		}),
		visit('shared'),
		head,
		'school-oakfield'
	],
	[
		'head rewrites a shared record',
		visit('shared', { focus: 'Rewritten' }),
		visit('shared'),
		head,
		'school-oakfield'
	],
	['SIL confirms own record', visit('confirmed'), visit('shared'), sil, 'school-oakfield'],
	['SIL edits a draft', visit('draft', { focus: 'More' }), visit('draft'), sil, 'school-oakfield'],
	['admin adds a school', school, null, admin, 'trust'],
	['CEO adds a school', school, null, ceo, 'trust'],
	['admin writes an invalid school', { ...school, category: '9' }, null, admin, 'trust'],
	['unknown type', { _id: 'x', type: 'nope', schemaVersion: 1 }, null, admin, 'school-oakfield'],
	['SIL writes a design document', { _id: '_design/x' }, null, sil, 'school-oakfield'],
	[
		'head deletes a next step',
		{ _id: 'n', _deleted: true },
		nextStep('oakfield'),
		head,
		'school-oakfield'
	],
	[
		'SIL deletes a draft visit',
		{ _id: 'v', _deleted: true },
		visit('draft'),
		sil,
		'school-oakfield'
	],
	[
		'SIL deletes a confirmed visit',
		{ _id: 'v', _deleted: true },
		visit('confirmed'),
		sil,
		'school-oakfield'
	]
];

describe('validate_doc_update bundled for CouchDB', () => {
	test('is one self-contained function', () => {
		expect(source.startsWith('function (newDoc, oldDoc, userCtx, secObj) {')).toBe(true);
		expect(source).not.toMatch(/\brequire\(|\bimport\s*\(/);
	});

	test.each(CASES)('%s: same verdict as the server', (_name, newDoc, oldDoc, user, db) => {
		const expected = validateDocUpdate(newDoc, oldDoc, user, db);
		const got = run(newDoc, oldDoc, user, db);
		expect(got).toBe(expected.ok ? 'ok' : `forbidden: ${expected.reason}`);
	});

	test('the cases cover both verdicts', () => {
		const verdicts = CASES.map(([, n, o, u, db]) => validateDocUpdate(n, o, u, db).ok);
		expect(verdicts).toContain(true);
		expect(verdicts).toContain(false);
	});
});

describe('install-couchdb', () => {
	let source: Server;
	let target: Server;
	beforeAll(async () => {
		source = await startServer();
		await source.stop(); // the installer reads the data folder directly
		target = await startServer({
			demo: false,
			env: { COUCHDB_USER: 'couchadmin', COUCHDB_PASSWORD: 'couch-admin-pw' }
		});
	});
	afterAll(async () => {
		await target.stop();
	});

	test('creates the databases with _security and _design/rules, and carries the accounts over', async () => {
		const storage = new Storage(source.dataDir, false);
		const lines: string[] = [];
		try {
			await installCouchDb({
				url: target.api,
				user: 'couchadmin',
				password: 'couch-admin-pw',
				storage,
				log: (m) => lines.push(m)
			});
		} finally {
			await storage.closeAll();
		}
		const asAdmin = { user: 'couchadmin', password: 'couch-admin-pw' };
		const ddoc = await api(target, 'GET', '/school-st-aidans/_design/rules', asAdmin);
		expect(String(ddoc.body.validate_doc_update)).toContain(
			'function (newDoc, oldDoc, userCtx, secObj)'
		);
		const sec = await api(target, 'GET', '/school-st-aidans/_security', asAdmin);
		expect(sec.body).toEqual({
			admins: { names: [], roles: ['admin'] },
			members: { names: [], roles: ['ceo', 'school:st-aidans'] }
		});
		expect((await api(target, 'GET', '/trust/_security', asAdmin)).body.members).toEqual({
			names: [],
			roles: ['sil', 'head', 'ceo']
		});
		// The same password works on the new server: the hashes carried over unchanged.
		expect(
			(
				await api(target, 'GET', '/school-st-aidans', {
					user: 'head.st-aidans',
					password: PASSWORD
				})
			).status
		).toBe(200);
		expect(lines.at(-1)).toContain('7 school(s)');
		// Running it again changes nothing and does not fail.
		const again = new Storage(source.dataDir, false);
		try {
			await installCouchDb({
				url: target.api,
				user: 'couchadmin',
				password: 'couch-admin-pw',
				storage: again,
				log: () => undefined
			});
		} finally {
			await again.closeAll();
		}
	});
});
