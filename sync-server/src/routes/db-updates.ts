import type { App, Call } from '../context.ts';
import { allowParams, badRequest, intParam, sendJson } from '../http.ts';
import { isMember } from '../access.ts';

/**
 * `GET /_db_updates`: which databases changed, so a device holds one long-poll for all of its
 * databases instead of one per database (browsers allow six connections per host: a SIL with
 * seven schools would starve). CouchDB has the same endpoint for server admins; here a person sees
 * the databases they are a member of. Sequences are `<process start>-<n>`: a `since` from another
 * run of the server answers with every visible database, so nothing is missed across a restart.
 */
const PARAMS = ['feed', 'since', 'timeout', 'heartbeat'];
const DEFAULT_TIMEOUT = 60_000;
const KEEP = 1000;

type Update = { n: number; db: string; type: 'updated' | 'deleted' };

class UpdateLog {
	readonly epoch = Date.now().toString(36);
	n = 0;
	entries: Update[] = [];
	readonly waiters = new Set<() => void>();

	constructor(app: App) {
		const add = (db: string, type: Update['type']) => {
			this.n++;
			this.entries.push({ n: this.n, db, type });
			if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
			for (const wake of [...this.waiters]) wake();
		};
		app.storage.events.on('change', (db: string) => add(db, 'updated'));
		app.storage.events.on('deleted', (db: string) => add(db, 'deleted'));
	}

	seq(): string {
		return `${this.epoch}-${this.n}`;
	}
}

const logs = new WeakMap<App, UpdateLog>();

/** Start recording updates when the server starts, so a device's first `since` is honoured. */
export function recordDbUpdates(app: App): void {
	if (!logs.has(app)) logs.set(app, new UpdateLog(app));
}

function visible(c: Call, db: string): boolean {
	return isMember(c.who.user, db, c.app.storage.readSecurity(db));
}

/** Updates after `since`, one per database, or null when `since` is from another run. */
function after(c: Call, log: UpdateLog, since: string): { db_name: string; type: string }[] | null {
	const [epoch, count] = since.split('-');
	const n = Number(count);
	if (epoch !== log.epoch || !Number.isInteger(n) || n > log.n) return null;
	if (log.entries.length > 0 && log.entries[0]!.n > n + 1) return null;
	const latest = new Map<string, string>();
	for (const e of log.entries) if (e.n > n && visible(c, e.db)) latest.set(e.db, e.type);
	return [...latest].map(([db_name, type]) => ({ db_name, type }));
}

export function dbUpdates(c: Call): Promise<void> {
	allowParams(c.query, PARAMS);
	if (c.who.user.name === null) {
		sendJson(c.res, 401, { error: 'unauthorized', reason: 'Sign in to follow database updates.' });
		return Promise.resolve();
	}
	const log = logs.get(c.app);
	if (!log) throw new Error('database updates are not being recorded');
	const feed = c.query.get('feed') ?? 'normal';
	if (feed !== 'normal' && feed !== 'longpoll') {
		throw badRequest(`feed must be normal or longpoll, not "${feed}".`);
	}
	const since = c.query.get('since') ?? '0';
	const timeout = Math.min(intParam(c.query, 'timeout') ?? DEFAULT_TIMEOUT, DEFAULT_TIMEOUT);
	intParam(c.query, 'heartbeat');

	const everything = () =>
		c.app.storage
			.list()
			.filter((db) => visible(c, db))
			.map((db_name) => ({ db_name, type: 'updated' }));
	const answer = () => {
		const results = since === 'now' ? [] : (after(c, log, since) ?? everything());
		return { results, last_seq: log.seq() };
	};
	const first = answer();
	if (feed === 'normal' || first.results.length > 0) {
		sendJson(c.res, 200, first);
		return Promise.resolve();
	}
	const from = since === 'now' ? log.seq() : since;
	return new Promise((resolve) => {
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			log.waiters.delete(wake);
			c.app.feeds.delete(finish);
			if (!c.res.destroyed) {
				sendJson(c.res, 200, { results: after(c, log, from) ?? [], last_seq: log.seq() });
			}
			resolve();
		};
		const wake = () => {
			if ((after(c, log, from) ?? []).length > 0) finish();
		};
		const timer = setTimeout(finish, timeout);
		log.waiters.add(wake);
		c.app.feeds.add(finish);
		c.res.on('close', finish);
	});
}
