import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.webp': 'image/webp',
	'.ico': 'image/x-icon',
	'.woff2': 'font/woff2',
	'.woff': 'font/woff',
	'.txt': 'text/plain; charset=utf-8',
	'.map': 'application/json'
};

/**
 * Hashed build output never changes, so it is cached for a year; the files that name it (the
 * page, the service worker and its runtime, the manifest) must be revalidated every time, or a new
 * release would never reach anyone.
 */
function cacheControl(rel: string): string {
	if (rel.startsWith('/_app/immutable/')) return 'public, max-age=31536000, immutable';
	const base = path.posix.basename(rel);
	if (
		base === 'index.html' ||
		base === 'sw.js' ||
		/^workbox-.*\.js$/.test(base) ||
		base === 'manifest.webmanifest' ||
		base === 'version.json' ||
		rel.endsWith('.html')
	) {
		return 'no-cache';
	}
	return 'public, max-age=3600';
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>App not built</title></head>
<body><h1>The app has not been built</h1>
<p>The sync server is running, but there is no built app to serve here.
Run <code>npm run build</code>, then restart the server (or set <code>STATIC_DIR</code>).</p>
<p>The CouchDB API is at <a href="/couchdb/">/couchdb/</a>.</p></body></html>
`;

/** Serves the built SPA: real files, else `index.html` for any other GET (client-side routing). */
export function serveStatic(
	req: IncomingMessage,
	res: ServerResponse,
	root: string,
	pathname: string
): void {
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
		res.end('Method not allowed\n');
		return;
	}
	if (!fs.existsSync(path.join(root, 'index.html'))) {
		res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
		res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
		return;
	}
	let rel: string;
	try {
		rel = path.posix.normalize(decodeURIComponent(pathname));
	} catch {
		rel = '/';
	}
	let file = path.join(root, rel);
	// Never leave the static folder, whatever `..` the path holds.
	if (!file.startsWith(root + path.sep) && file !== root) file = path.join(root, 'index.html');
	let stat = statFile(file);
	if (!stat) {
		// A missing hashed asset is a real 404: answering with the page would poison caches.
		if (rel.startsWith('/_app/')) {
			res.writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' });
			res.end('Not found\n');
			return;
		}
		file = path.join(root, 'index.html');
		rel = '/index.html';
		stat = statFile(file)!;
	}
	const etag = `W/"${stat.size.toString(16)}-${stat.mtimeMs.toString(16)}"`;
	const headers = {
		'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
		'Cache-Control': cacheControl(rel),
		ETag: etag,
		'X-Content-Type-Options': 'nosniff'
	};
	if (req.headers['if-none-match'] === etag) {
		res.writeHead(304, headers);
		res.end();
		return;
	}
	res.writeHead(200, { ...headers, 'Content-Length': String(stat.size) });
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	fs.createReadStream(file).pipe(res);
}

function statFile(file: string): fs.Stats | null {
	try {
		const s = fs.statSync(file);
		return s.isFile() ? s : null;
	} catch {
		return null;
	}
}
