/**
 * First-load JavaScript (issue 17): the scripts the built `index.html` preloads as modules, which
 * every cold start fetches and compiles before the app can draw anything, gzipped. Aim: at most
 * 120 KB. Reads `build/` (run `npm run build` first); the largest ones are named, so a library
 * that slipped back into the first chunk shows at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(import.meta.dirname, '..');
const BUILD = path.join(ROOT, 'build');
const AIM_KB = 120;

export function firstLoad(dir = BUILD): { file: string; raw: number; gzip: number }[] {
	const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
	const files = [...html.matchAll(/<link[^>]+href="([^"]+\.js)"[^>]*rel="modulepreload"/g)].map(
		(m) => m[1]!
	);
	return files.map((file) => {
		const body = fs.readFileSync(path.join(dir, file));
		return { file, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
	});
}

export function run(): Promise<void> {
	if (!fs.existsSync(path.join(BUILD, 'index.html'))) {
		throw new Error('No built app: run `npm run build` first.');
	}
	const files = firstLoad();
	const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
	const gzip = files.reduce((a, f) => a + f.gzip, 0);
	const raw = files.reduce((a, f) => a + f.raw, 0);
	console.log(
		`First-load JavaScript (${files.length} module preloads of index.html): ${kb(gzip)} gzipped, ${kb(raw)} as served`
	);
	for (const f of [...files].sort((a, b) => b.gzip - a.gzip).slice(0, 4)) {
		console.log(`  ${f.file}: ${kb(f.gzip)} gzipped`);
	}
	console.log(
		`  first-load JavaScript: ${kb(gzip)} (aim at most ${AIM_KB} KB: ${gzip <= AIM_KB * 1024 ? 'met' : 'MISSED'})`
	);
	return Promise.resolve();
}

if (import.meta.main) void run();
