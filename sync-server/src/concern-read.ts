import {
	assignedSchools,
	CONCERNS_DB,
	mayReadConcernsOf,
	readsEveryConcern,
	type UserCtx
} from '../../src/lib/domain/index.ts';
import { readOrNull } from './level-read.ts';
import type { Doc, Pouch, Storage } from './storage.ts';

/**
 * Who reads which concern (`mayReadConcernsOf`), applied to every read of the concerns database:
 * `_changes`, `_all_docs`, `_bulk_get`, documents, revisions and attachments. A concern a person
 * may not read looks like one that does not exist (404 `not_found`, or absent from a list or
 * feed), as a document CouchDB never had. Apache CouchDB cannot do this: it grants a database, not
 * a document, so there every member reads every concern.
 *
 * Only the concerns database, and only a reader who does not read every concern (the CEO and
 * administrators do), pays for it: everywhere else `concernView` is null and nothing changes.
 */

/** What one person may see of one stored revision: the body, a bare tombstone, or nothing (null). */
export type ConcernView = ((doc: Doc) => Doc | null) & {
	/** Equal for people who see the same concerns: feeds asking the same question share a query. */
	key: string;
};

/**
 * The concerns database's read filter for this person; null for any other database, and for a
 * person who reads every concern.
 *
 * A revision is judged by its own `schoolId`. One without (a deletion: the rules let only an
 * administrator delete a concern, and a deletion carries no content) is shown as a bare tombstone,
 * its `_id`, `_rev` and `_deleted` and nothing of its body: the ids are random, so it says nothing
 * about any school, and it ends the copy a device may hold. Anything else without a `schoolId`
 * (a design document, say) is for those who read every concern. `_local` documents (replication
 * checkpoints) are not concerns and pass.
 */
export function concernView(user: UserCtx, dbName: string): ConcernView | null {
	if (dbName !== CONCERNS_DB || readsEveryConcern(user)) return null;
	const view = (doc: Doc): Doc | null => {
		if (doc._id.startsWith('_local/')) return doc;
		const schoolId = doc.schoolId;
		if (typeof schoolId === 'string') return mayReadConcernsOf(user, schoolId) ? doc : null;
		return doc._deleted === true ? bareTombstone(doc) : null;
	};
	const schools = assignedSchools(user).filter((s) => mayReadConcernsOf(user, s));
	return Object.assign(view, { key: schools.sort().join(',') });
}

/** A deletion's revision members only: its body and attachments stay on the server. */
function bareTombstone(doc: Doc): Doc {
	const out: Doc = { _id: doc._id };
	for (const [k, v] of Object.entries(doc)) {
		if (k.startsWith('_') && k !== '_attachments') out[k] = v;
	}
	return out;
}

/**
 * The winning revision's body of each document (a deletion's too), or null where there is no such
 * document: what a feed or a list without documents judges a row by. One batch of direct reads,
 * or PouchDB's API where the reader cannot answer.
 */
export async function winnerBodies(
	storage: Storage,
	dbName: string,
	db: Pouch,
	ids: string[]
): Promise<(Doc | null)[]> {
	if (ids.length === 0) return [];
	const direct = await readOrNull(storage.reader(dbName), (r) => r.winnerBodies(ids));
	return direct ?? winnerBodiesViaPouch(db, ids);
}

/** `winnerBodies` through PouchDB's API, for a database the direct reader cannot read. */
export function winnerBodiesViaPouch(db: Pouch, ids: string[]): Promise<(Doc | null)[]> {
	return Promise.all(
		ids.map(async (id) => {
			try {
				return (await db.get(id)) as Doc;
			} catch (err) {
				if ((err as { status?: number }).status !== 404) throw err;
			}
			// Missing, or deleted: then the winner is the deletion on the longest branch.
			const leaves = (await db.get(id, { open_revs: 'all' }).catch(() => [])) as unknown as {
				ok?: Doc;
			}[];
			const deleted = leaves.map((l) => l.ok).filter((d): d is Doc => !!d);
			return deleted.sort((a, b) => revOrder(b._rev!, a._rev!))[0] ?? null;
		})
	);
}

/** CouchDB's order of leaves for the winner among deletions: the longest branch, then the hash. */
function revOrder(a: string, b: string): number {
	const ga = parseInt(a, 10);
	const gb = parseInt(b, 10);
	if (ga !== gb) return ga - gb;
	return a < b ? -1 : a > b ? 1 : 0;
}
