/**
 * Entry point bundled into the `validate_doc_update` of the `_design/rules` document installed on
 * Apache CouchDB (see couchdb-install.ts). It adapts CouchDB's signature to the shared domain rule,
 * so CouchDB refuses exactly what the sync server refuses.
 */
import { validateDocUpdate } from '../../src/lib/domain/rules.ts';

type CouchUserCtx = { db: string; name: string | null; roles: string[] };
type AnyDoc = { _id: string; _deleted?: boolean; [k: string]: unknown };

export function validate(newDoc: AnyDoc, oldDoc: AnyDoc | null, userCtx: CouchUserCtx): void {
	const verdict = validateDocUpdate(
		newDoc,
		oldDoc ?? null,
		{ name: userCtx.name, roles: userCtx.roles },
		userCtx.db
	);
	if (!verdict.ok) throw { forbidden: verdict.reason };
}
