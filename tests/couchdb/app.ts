import path from 'node:path';
import { ROOT } from '../server/helpers.ts';
import { call, type Couch } from './couch.ts';

/** The app built with PUBLIC_COUCH_URL pointing at the CouchDB under test. */
export const APP_DIR = 'tests/.tmp/app-couchdb';
export const APP_PATH = path.join(ROOT, APP_DIR);

/**
 * What a trust sets on its CouchDB when the app is served from another origin: CORS for the
 * app's origin, with credentials (the session cookie). Set through CouchDB's config API.
 */
export async function allowAppOrigin(couch: Couch, origin: string): Promise<void> {
	const admin = { user: couch.user, password: couch.password };
	const settings: [string, string, string][] = [
		['chttpd', 'enable_cors', 'true'],
		['cors', 'origins', origin],
		['cors', 'credentials', 'true'],
		['cors', 'methods', 'GET, PUT, POST, HEAD, DELETE'],
		['cors', 'headers', 'accept, authorization, content-type, origin, referer']
	];
	for (const [section, key, value] of settings) {
		const r = await call(couch.url, 'PUT', `/_node/_local/_config/${section}/${key}`, {
			...admin,
			body: value
		});
		if (r.status !== 200) throw new Error(`CouchDB config ${section}/${key}: ${r.status}`);
	}
}
