import type { Call } from '../context.ts';
import {
	allowParams,
	badRequest,
	boolParam,
	hasBody,
	intParam,
	isObject,
	jsonParam,
	readJsonObject,
	sendJson
} from '../http.ts';
import { concernView, winnerBodies, type ConcernView } from '../concern-read.ts';
import { readOrNull } from '../level-read.ts';
import type { ChangeRow, Doc, Pouch } from '../storage.ts';

const PARAMS = [
	'since',
	'limit',
	'feed',
	'heartbeat',
	'timeout',
	'include_docs',
	'style',
	'filter',
	'doc_ids',
	'conflicts',
	'descending',
	'attachments',
	'att_encoding_info',
	'seq_interval'
];

/** CouchDB's default wait for a longpoll/continuous feed without a heartbeat. */
const DEFAULT_TIMEOUT = 60_000;

type Page = { results: ChangeRow[]; last_seq: number | string };

/**
 * `GET|POST /{db}/_changes`: normal, longpoll and continuous feeds with `since`, `limit`,
 * `include_docs`, `style=all_docs`, `heartbeat`, `timeout` and the `_doc_ids`, `_selector` and
 * `_design` filters. Live feeds wake on the server's own write notifications, not by polling.
 */
export async function changes(c: Call, dbName: string, db: Pouch): Promise<void> {
	const q = c.query;
	const filter = q.get('filter');
	if (filter !== null && !['_doc_ids', '_selector', '_design'].includes(filter)) {
		throw badRequest(
			filter === '_view'
				? 'The _view filter is not supported: this server has no views.'
				: `Filter "${filter}" is not supported: this server does not run design document filters. Use _doc_ids or _selector.`
		);
	}
	allowParams(q, PARAMS);
	const feed = q.get('feed') ?? 'normal';
	if (!['normal', 'longpoll', 'continuous'].includes(feed)) {
		throw badRequest(`feed must be normal, longpoll or continuous, not "${feed}".`);
	}
	const style = q.get('style') ?? 'main_only';
	if (style !== 'main_only' && style !== 'all_docs')
		throw badRequest('style must be main_only or all_docs.');
	const limit = intParam(q, 'limit', 0);
	const descending = boolParam(q, 'descending') ?? false;
	const heartbeatRaw = q.get('heartbeat');
	const heartbeat =
		heartbeatRaw === null || heartbeatRaw === 'false'
			? null
			: heartbeatRaw === 'true'
				? 60_000
				: Math.max(500, intParam(q, 'heartbeat', 1) ?? 60_000);
	const timeout = intParam(q, 'timeout', 0) ?? (heartbeat ? null : DEFAULT_TIMEOUT);

	let body: Record<string, unknown> = {};
	if (c.method === 'POST' && hasBody(c.raw))
		body = await readJsonObject(c.raw, c.app.cfg.maxRequestBytes);

	const base: Record<string, unknown> = {
		style,
		include_docs: boolParam(q, 'include_docs') ?? false,
		conflicts: boolParam(q, 'conflicts') ?? false,
		attachments: boolParam(q, 'attachments') ?? false,
		descending,
		return_docs: true
	};
	if (filter === '_doc_ids') {
		const ids = body.doc_ids ?? jsonParam(q, 'doc_ids');
		if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) {
			throw badRequest('filter=_doc_ids needs doc_ids: a list of document ids.');
		}
		base.doc_ids = ids;
	} else if (filter === '_selector') {
		if (!isObject(body.selector))
			throw badRequest('filter=_selector needs a selector object in the body.');
		base.selector = body.selector;
	} else if (filter === '_design') {
		base.filter = (doc: Doc) => doc._id.startsWith('_design/');
	}

	let since: number;
	const sinceRaw = q.get('since') ?? '0';
	if (sinceRaw === 'now') since = Number((await db.info()).update_seq);
	else {
		since = Number(sinceRaw);
		if (!Number.isInteger(since) || since < 0) {
			throw badRequest("Malformed sequence supplied in 'since' parameter.");
		}
	}

	// Only the concerns read by someone who may not read them all are filtered (concern-read.ts).
	const view = concernView(c.who.user, dbName);
	// Feeds asking the same question after the same write share one query: with a hundred devices
	// waiting on a database, one write would otherwise run a hundred identical `changes` calls.
	// A filtered feed's answer is its reader's: it is shared only with those who see the same, and
	// the unfiltered pages it is made from with everyone.
	const plain = JSON.stringify({ dbName, filter, ...base });
	const question = view ? JSON.stringify({ dbName, filter, ...base, reader: view.key }) : plain;
	// The replicator's question (no filter, no documents) goes to the direct reader: one batch of
	// reads per page instead of PouchDB's one read after another.
	const direct =
		filter === null && !base.include_docs && !base.conflicts && !base.attachments && !descending
			? c.app.storage.reader(dbName)
			: Promise.resolve(null);
	const all = async (from: number | string, max?: number): Promise<Page> =>
		(await readOrNull(direct, (r) => r.changes(Number(from), max, style))) ??
		(await db.changes({ ...base, since: from, ...(max !== undefined ? { limit: max } : {}) }));
	const once =
		(key: string, run: (from: number | string, max?: number) => Promise<Page>) =>
		(from: number | string, max?: number): Promise<Page> =>
			shared(`${key}|${from}|${max ?? ''}|${c.app.storage.writes.get(dbName) ?? 0}`, () =>
				run(from, max)
			);
	const query = view
		? (from: number | string, max?: number) =>
				visibleChanges(
					once(plain, all),
					from,
					max,
					view,
					descending,
					base.include_docs === true,
					(ids) => winnerBodies(c.app.storage, dbName, db, ids)
				)
		: all;
	const fetch = once(question, query);

	if (feed === 'normal' || descending) {
		const page = await fetch(since, limit);
		sendJson(c.res, 200, { results: page.results, last_seq: page.last_seq, pending: 0 });
		return;
	}
	if (feed === 'longpoll') return longpoll(c, dbName, since, limit, heartbeat, timeout, fetch);
	return continuous(c, dbName, since, limit, heartbeat, timeout, fetch);
}

const inflight = new Map<string, Promise<Page>>();

/** One query for every caller asking the same thing while it runs. Results are only read. */
function shared(key: string, query: () => Promise<Page>): Promise<Page> {
	let running = inflight.get(key);
	if (!running) {
		// PouchDB's changes() is a thenable without finally(): adopt it into a real promise.
		running = Promise.resolve(query()).finally(() => inflight.delete(key));
		inflight.set(key, running);
	}
	return running;
}

interface Watch {
	stop(): void;
	/** The `last_seq` of the last page read: past changes a filter left out. */
	cursor(): number | string;
}

/**
 * Calls `onPage` with each new page of changes after `since`, first at once and then after every
 * write to the database, never running two fetches at a time. `onPage` returns true to stop.
 */
function watch(
	c: Call,
	dbName: string,
	since: number | string,
	fetch: (from: number | string) => Promise<Page>,
	onPage: (page: Page) => boolean,
	onGone: () => void
): Watch {
	const events = c.app.storage.events;
	let cursor = since;
	let running = false;
	let again = false;
	let stopped = false;
	const run = async () => {
		if (running) {
			again = true;
			return;
		}
		running = true;
		try {
			do {
				again = false;
				const page = await fetch(cursor);
				if (stopped) return;
				cursor = page.last_seq;
				if (page.results.length && onPage(page)) {
					stop();
					return;
				}
			} while (again && !stopped);
		} catch (err) {
			c.log.warn('changes feed failed', { err });
			stop();
			onGone();
		} finally {
			running = false;
		}
	};
	const onChange = (name: string) => {
		if (name === dbName && !stopped) void run();
	};
	const onDeleted = (name: string) => {
		if (name === dbName && !stopped) {
			stop();
			onGone();
		}
	};
	const stop = () => {
		stopped = true;
		events.off('change', onChange);
		events.off('deleted', onDeleted);
	};
	events.on('change', onChange);
	events.on('deleted', onDeleted);
	void run();
	return { stop, cursor: () => cursor };
}

function openStream(c: Call): void {
	if (c.res.headersSent) return;
	c.res.writeHead(200, {
		'Content-Type': 'application/json',
		'Cache-Control': 'must-revalidate',
		'Transfer-Encoding': 'chunked'
	});
	// Send the headers now: a client waits for them before it reads the stream.
	c.res.flushHeaders();
}

function longpoll(
	c: Call,
	dbName: string,
	since: number,
	limit: number | undefined,
	heartbeat: number | null,
	timeout: number | null,
	fetch: (from: number | string, max?: number) => Promise<Page>
): Promise<void> {
	return new Promise((resolve) => {
		let done = false;
		const timers: NodeJS.Timeout[] = [];
		const finish = (page: Page) => {
			if (done) return;
			done = true;
			w.stop();
			for (const t of timers) clearInterval(t);
			c.app.feeds.delete(close);
			const body = { results: page.results, last_seq: page.last_seq };
			if (c.res.headersSent) c.res.end(JSON.stringify(body) + '\n');
			else if (!c.res.destroyed) sendJson(c.res, 200, body);
			resolve();
		};
		// Ended without a change to report: the feed read up to here (a filtered feed may have read
		// past changes it left out), so the client checkpoints there, as CouchDB's answers.
		const close = () => finish({ results: [], last_seq: w.cursor() });
		const w = watch(
			c,
			dbName,
			since,
			(from) => fetch(from, limit),
			(page) => {
				finish(page);
				return true;
			},
			close
		);
		c.app.feeds.add(close);
		c.res.on('close', close);
		if (heartbeat) {
			timers.push(
				setInterval(() => {
					openStream(c);
					c.res.write('\n');
				}, heartbeat)
			);
		}
		if (timeout !== null) timers.push(setTimeout(close, timeout));
	});
}

function continuous(
	c: Call,
	dbName: string,
	since: number,
	limit: number | undefined,
	heartbeat: number | null,
	timeout: number | null,
	fetch: (from: number | string, max?: number) => Promise<Page>
): Promise<void> {
	return new Promise((resolve) => {
		openStream(c);
		let lastSeq: number | string = since;
		let sent = 0;
		let done = false;
		let idle: NodeJS.Timeout | undefined;
		let beat: NodeJS.Timeout | undefined;
		const armIdle = () => {
			if (timeout === null) return;
			clearTimeout(idle);
			idle = setTimeout(close, timeout);
		};
		const close = () => {
			if (done) return;
			done = true;
			w.stop();
			clearTimeout(idle);
			clearInterval(beat);
			c.app.feeds.delete(close);
			lastSeq = w.cursor();
			if (!c.res.destroyed) c.res.end(JSON.stringify({ last_seq: lastSeq }) + '\n');
			resolve();
		};
		const w = watch(
			c,
			dbName,
			since,
			(from) => fetch(from, limit === undefined ? undefined : limit - sent),
			(page) => {
				for (const row of page.results) c.res.write(JSON.stringify(row) + '\n');
				sent += page.results.length;
				lastSeq = page.last_seq;
				armIdle();
				if (limit !== undefined && sent >= limit) {
					setImmediate(close);
					return true;
				}
				return false;
			},
			close
		);
		c.app.feeds.add(close);
		c.res.on('close', close);
		if (heartbeat) beat = setInterval(() => c.res.write('\n'), heartbeat);
		armIdle();
	});
}

/** Changes handled between two turns of the event loop when a filter reads past many. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One page of the changes a person may read (`view`), in order: up to `max` of them, reading on
 * past changes left out, so that a feed whose first changes are another school's still reaches
 * the next one it may read (a replicator takes an empty page for the end of the feed). `last_seq`
 * is the last row's when the page is full, else where the reading stopped: past every change left
 * out, so a client checkpoints beyond them. A row is judged by its document's winning revision;
 * with `include_docs` that is the row's own document, shown as the view shows it.
 */
async function visibleChanges(
	query: (from: number | string, max?: number) => Promise<Page>,
	since: number | string,
	max: number | undefined,
	view: ConcernView,
	descending: boolean,
	withDocs: boolean,
	bodies: (ids: string[]) => Promise<(Doc | null)[]>
): Promise<Page> {
	const visible = async (rows: ChangeRow[]): Promise<ChangeRow[]> => {
		const docs = withDocs ? rows.map((r) => r.doc ?? null) : await bodies(rows.map((r) => r.id));
		const out: ChangeRow[] = [];
		rows.forEach((row, i) => {
			const doc = docs[i];
			const shown = doc ? view(doc) : null;
			if (shown) out.push(withDocs ? { ...row, doc: shown } : row);
		});
		return out;
	};
	const want = max === undefined ? Infinity : Math.max(1, max);
	if (descending) {
		const page = await query(since);
		const rows = await visible(page.results);
		if (rows.length <= want) return { results: rows, last_seq: page.last_seq };
		const results = rows.slice(0, want);
		return { results, last_seq: results.at(-1)!.seq };
	}
	const chunk = max === undefined ? undefined : Math.min(Math.max(want, 100), 1000);
	const results: ChangeRow[] = [];
	let from = since;
	for (;;) {
		const page = await query(from, chunk);
		for (const row of await visible(page.results)) {
			results.push(row);
			if (results.length >= want) return { results, last_seq: row.seq };
		}
		const more =
			chunk !== undefined && page.results.length >= chunk && String(page.last_seq) !== String(from);
		if (!more) return { results, last_seq: page.last_seq };
		from = page.last_seq;
		await nextTurn();
	}
}
