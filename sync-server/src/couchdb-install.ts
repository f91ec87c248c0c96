import path from 'node:path';
import { build } from 'vite';
import {
	CONCERNS_DB,
	governorsDbName,
	School,
	schoolDbName,
	TRUST_DB
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import type { Storage } from './storage.ts';
import { USER_PREFIX, USERS_DB } from './users.ts';

const ENTRY = path.join(import.meta.dirname, 'couchdb-vdu-entry.ts');
const GLOBAL = '__siVisitsRules';

/**
 * Bundles the shared rules (zod included) with Vite's library mode into one self-contained
 * ES2017 script, wrapped as CouchDB's `validate_doc_update(newDoc, oldDoc, userCtx, secObj)`.
 * The bundle is evaluated once per JavaScript engine and kept on its global object.
 */
export async function buildValidateFunction(): Promise<string> {
	const result = await build({
		configFile: false,
		logLevel: 'silent',
		build: {
			write: false,
			target: 'es2017',
			minify: true,
			lib: { entry: ENTRY, formats: ['iife'], name: GLOBAL, fileName: 'rules' }
		}
	});
	const outputs = Array.isArray(result) ? result : [result];
	const chunk = outputs
		.flatMap((o) => ('output' in o ? o.output : []))
		.find((c) => c.type === 'chunk');
	if (!chunk || chunk.type !== 'chunk') throw new Error('bundling the rules produced no code');
	return [
		'function (newDoc, oldDoc, userCtx, secObj) {',
		"  var g = typeof globalThis !== 'undefined' ? globalThis : this;",
		`  if (!g.${GLOBAL}) {`,
		// CouchDB's JavaScript sandbox has no Promise; zod only tests results with instanceof.
		'    var Promise = g.Promise || function Promise() {};',
		chunk.code,
		`    g.${GLOBAL} = ${GLOBAL};`,
		'  }',
		`  g.${GLOBAL}.validate(newDoc, oldDoc, userCtx, secObj);`,
		'}'
	].join('\n');
}

export interface InstallOptions {
	url: string;
	user: string;
	password: string;
	storage: Storage;
	log: (msg: string) => void;
}

/**
 * Prepares an Apache CouchDB for the same clients: the trust and school databases (schools from
 * this server's trust registry), each with its `_security` and `_design/rules`, and the accounts
 * (their PBKDF2-SHA256 hashes are CouchDB's own format, so passwords carry over). Data moves
 * afterwards by replication. Safe to run again: everything is created or updated in place.
 */
export async function installCouchDb(o: InstallOptions): Promise<void> {
	const base = o.url.replace(/\/+$/, '');
	const auth = 'Basic ' + Buffer.from(`${o.user}:${o.password}`).toString('base64');
	const call = async (method: string, p: string, body?: unknown) => {
		const r = await fetch(base + p, {
			method,
			headers: {
				Authorization: auth,
				'Content-Type': 'application/json',
				Accept: 'application/json'
			},
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		return { status: r.status, body: (await r.json()) as Record<string, unknown> };
	};
	const put = async (p: string, body: unknown) => {
		const existing = await call('GET', p);
		const rev = existing.status === 200 ? { _rev: existing.body._rev } : {};
		const r = await call('PUT', p, { ...(body as object), ...rev });
		if (r.status >= 300) throw new Error(`PUT ${p}: ${r.status} ${JSON.stringify(r.body)}`);
	};

	const validate = await buildValidateFunction();
	const schools: string[] = [];
	const trust = await o.storage.get(TRUST_DB);
	if (trust) {
		const rows = await trust.allDocs({
			include_docs: true,
			startkey: 'school:',
			endkey: 'school:\uffff'
		});
		for (const row of rows.rows) {
			const s = School.safeParse(row.doc);
			if (s.success) schools.push(s.data.id);
		}
	}
	const dbs = schools.flatMap((s) => [schoolDbName(s), governorsDbName(s)]);
	for (const db of [TRUST_DB, CONCERNS_DB, ...dbs]) {
		const created = await call('PUT', `/${encodeURIComponent(db)}`);
		if (created.status !== 201 && created.status !== 412) {
			throw new Error(`creating ${db}: ${created.status} ${JSON.stringify(created.body)}`);
		}
		const sec = await call('PUT', `/${encodeURIComponent(db)}/_security`, defaultSecurity(db));
		if (sec.status >= 300)
			throw new Error(`_security of ${db}: ${sec.status} ${JSON.stringify(sec.body)}`);
		await put(`/${encodeURIComponent(db)}/_design/rules`, {
			language: 'javascript',
			validate_doc_update: validate
		});
		o.log(`${db}: database, _security and _design/rules in place`);
	}
	const users = await o.storage.get(USERS_DB);
	if (users) {
		const rows = await users.allDocs({
			include_docs: true,
			startkey: USER_PREFIX,
			endkey: USER_PREFIX + '\uffff'
		});
		for (const row of rows.rows) {
			if (!row.doc) continue;
			const { _rev: _drop, ...doc } = row.doc;
			await put(`/_users/${encodeURIComponent(doc._id)}`, doc);
			o.log(`_users: ${doc._id.slice(USER_PREFIX.length)}`);
		}
	}
	o.log(
		`done: ${schools.length} school(s). Replicate each database from this server to move the data.`
	);
}
