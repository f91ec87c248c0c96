import { isValidDbName } from './storage.ts';
import type { Call } from './context.ts';
import { badRequest, CouchError, notFound, unauthorized } from './http.ts';
import { requireMember } from './access.ts';
import { allDbs, methodNotAllowed, session, up, uuids, welcome } from './routes/server.ts';
import {
	allDocs,
	bulkDocs,
	bulkGet,
	compact,
	createDb,
	dbInfo,
	deleteDb,
	ensureFullCommit,
	noDb,
	postDoc,
	revsDiff,
	security
} from './routes/db.ts';
import { changes } from './routes/changes.ts';
import { dbUpdates } from './routes/db-updates.ts';
import {
	deleteAttachment,
	deleteDoc,
	getAttachment,
	getDoc,
	putAttachment,
	putDoc
} from './routes/docs.ts';
import { USERS_DB, userDocId } from './users.ts';
import { checkDocId } from './writes.ts';

const only = (c: Call, ...methods: string[]) => {
	if (!methods.includes(c.method)) throw methodNotAllowed(methods.join(','));
};

const ILLEGAL_DB = (name: string) =>
	new CouchError(
		400,
		'illegal_database_name',
		`Name: '${name}'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, and / are allowed. Must begin with a letter.`
	);

/** Dispatches a request under `/couchdb/` to its handler, after the per-database access check. */
export async function route(c: Call): Promise<void> {
	const [first, ...rest] = c.segments;
	if (first === undefined) {
		only(c, 'GET', 'HEAD');
		return welcome(c);
	}
	switch (first) {
		case '_up':
			only(c, 'GET', 'HEAD');
			return up(c);
		case '_session':
			return session(c);
		case '_all_dbs':
			only(c, 'GET', 'HEAD');
			return allDbs(c);
		case '_uuids':
			only(c, 'GET');
			return uuids(c);
		case '_db_updates':
			only(c, 'GET');
			return dbUpdates(c);
	}
	if (!isValidDbName(first)) throw ILLEGAL_DB(first);
	const dbName = first;
	const storage = c.app.storage;
	// Nothing under a database is public: nobody signed in learns whether it exists (401, not 404).
	if (c.who.user.name === null) throw unauthorized('You are not authorized to access this db.');

	if (rest.length === 0) {
		if (c.method === 'PUT') return createDb(c, dbName);
		if (c.method === 'DELETE') return deleteDb(c, dbName);
	}
	const db = await storage.get(dbName);
	if (!db) throw noDb();
	const sec = storage.readSecurity(dbName);
	const user = c.who.user;

	// A person may read and update their own account in `_users` (CouchDB allows the same).
	const ownUserDoc =
		dbName === USERS_DB &&
		user.name !== null &&
		rest.length === 1 &&
		rest[0] === userDocId(user.name);
	if (!ownUserDoc) requireMember(user, dbName, sec);

	if (rest.length === 0) {
		only(c, 'GET', 'HEAD', 'POST');
		return c.method === 'POST' ? postDoc(c, dbName, db) : dbInfo(c, dbName, db);
	}
	const [second, ...tail] = rest as [string, ...string[]];
	switch (second) {
		case '_changes':
			only(c, 'GET', 'POST');
			return changes(c, dbName, db);
		case '_revs_diff':
			only(c, 'POST');
			return revsDiff(c, dbName, db);
		case '_bulk_docs':
			only(c, 'POST');
			return bulkDocs(c, dbName, db);
		case '_bulk_get':
			only(c, 'POST');
			return bulkGet(c, dbName, db);
		case '_all_docs':
			only(c, 'GET', 'HEAD', 'POST');
			return allDocs(c, dbName, db);
		case '_security':
			return security(c, dbName, sec);
		case '_compact':
			only(c, 'POST');
			return compact(c, dbName, db, sec);
		case '_ensure_full_commit':
			only(c, 'POST');
			return ensureFullCommit(c);
		case '_local':
		case '_design': {
			const [name, ...att] = tail;
			if (!name) {
				if (second === '_local') throw badRequest('Invalid _local document id.');
				throw new CouchError(400, 'illegal_docid', RESERVED);
			}
			return doc(c, dbName, db, `${second}/${name}`, att);
		}
	}
	if (second.startsWith('_')) {
		// As CouchDB: reading such a document finds nothing; writing one is refused.
		if ((c.method === 'GET' || c.method === 'HEAD') && tail.length === 0) throw notFound('missing');
		throw new CouchError(400, 'illegal_docid', RESERVED);
	}
	return doc(c, dbName, db, second, tail);
}

const RESERVED = 'Only reserved document ids may start with underscore.';

async function doc(
	c: Call,
	dbName: string,
	db: NonNullable<Awaited<ReturnType<Call['app']['storage']['get']>>>,
	id: string,
	att: string[]
): Promise<void> {
	checkDocId(id);
	if (att.length) {
		if (id.startsWith('_local/')) throw badRequest('Local documents have no attachments.');
		const name = att.join('/');
		only(c, 'GET', 'HEAD', 'PUT', 'DELETE');
		if (c.method === 'PUT') return putAttachment(c, dbName, db, id, name);
		if (c.method === 'DELETE') return deleteAttachment(c, dbName, db, id, name);
		return getAttachment(c, dbName, db, id, name);
	}
	only(c, 'GET', 'HEAD', 'PUT', 'DELETE');
	if (c.method === 'PUT') return putDoc(c, dbName, db, id);
	if (c.method === 'DELETE') return deleteDoc(c, dbName, db, id);
	return getDoc(c, dbName, db, id);
}
