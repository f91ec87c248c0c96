/**
 * What the workspace loads after the app has started (issue 17): PouchDB and everything that
 * opens, follows, merges or replicates its databases. A cold start draws the screens from the
 * read model already on the device (Dexie), so none of this is in the first chunk the browser
 * fetches and compiles; it is imported once, as the app opens, and kept.
 */
export { default as PouchDB } from 'pouchdb-browser';
export {
	closeLocalDbs,
	destroyLocalDbs,
	forgetBroken,
	localDb,
	onForgotten,
	remoteDb,
	reopenIfBroken,
	storedLocalDbs
} from '$lib/db/pouch';
export { mayChoose } from '$lib/db/choices';
export { fieldLabel, loadNameContext, valueText } from '$lib/db/names';
export { Projector } from '$lib/db/projector';
export { PendingTracker } from '$lib/sync/pending';
export { Replicator } from '$lib/sync/replicator';
export { compactIfSettled, conflictedAmong, resolveDocs } from '$lib/sync/resolve';
