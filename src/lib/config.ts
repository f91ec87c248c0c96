import { env } from '$env/dynamic/public';

/**
 * Where the trust's sync server (or Apache CouchDB cluster) answers. By default the server that
 * serves the app, under `/couchdb`; a trust on CouchDB sets PUBLIC_COUCH_URL when building.
 */
export function couchUrl(): string {
	const configured = env.PUBLIC_COUCH_URL;
	const base = configured && configured.length > 0 ? configured : `${location.origin}/couchdb`;
	return base.replace(/\/+$/, '');
}
