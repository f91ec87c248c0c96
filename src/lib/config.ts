/**
 * Where the trust's sync server (or Apache CouchDB cluster) answers. By default the server that
 * serves the app, under `/couchdb`; a trust on CouchDB sets PUBLIC_COUCH_URL when building.
 *
 * Fixed at build time (vite.config.ts), not read from `$env/dynamic/public`: that module makes the
 * page fetch `/_app/env.js` before the app starts, a file outside the service worker's precache,
 * so once the browser's HTTP cache had lost it the app could not start offline at all.
 */
export function couchUrl(): string {
	const configured = __PUBLIC_COUCH_URL__;
	const base = configured.length > 0 ? configured : `${location.origin}/couchdb`;
	return base.replace(/\/+$/, '');
}
