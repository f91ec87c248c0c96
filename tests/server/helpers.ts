import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import PouchDB from 'pouchdb-node';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const TMP = path.join(ROOT, 'tests/.tmp');
export const NODE = path.join(ROOT, 'node_modules/.bin/node');
export const MAIN = path.join(ROOT, 'sync-server/src/main.ts');
export const CLI = path.join(ROOT, 'sync-server/src/cli.ts');

/** Every demo account shares this password in tests. */
export const PASSWORD = 'test-password-1';

export function tmpDir(prefix: string): string {
	fs.mkdirSync(TMP, { recursive: true });
	return fs.mkdtempSync(path.join(TMP, prefix + '-'));
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const port = (srv.address() as net.AddressInfo).port;
			srv.close(() => resolve(port));
		});
	});
}

/** Test-only settings: cheap password hashing, quiet logs. */
export const TEST_ENV = {
	PBKDF2_ITERATIONS: '1000',
	LOG_LEVEL: 'warn',
	DEMO_PASSWORD: PASSWORD
};

export interface Server {
	url: string;
	/** `url + '/couchdb'` */
	api: string;
	port: number;
	dataDir: string;
	proc: ChildProcess;
	output: () => string;
	/** SIGTERM and wait for exit; resolves with the exit code. */
	stop(): Promise<number | null>;
	/** SIGKILL: no chance to flush or close anything. */
	kill9(): Promise<void>;
	/** Starts again on the same port and data folder. */
	restart(): Promise<Server>;
}

/** Starts `node sync-server/src/main.ts --demo` as a real process and waits until it answers. */
export async function startServer(
	opts: { env?: Record<string, string>; dataDir?: string; port?: number; demo?: boolean } = {}
): Promise<Server> {
	const port = opts.port ?? (await freePort());
	const dataDir = opts.dataDir ?? tmpDir('server');
	const env = {
		...process.env,
		...TEST_ENV,
		PORT: String(port),
		HOST: '127.0.0.1',
		DATA_DIR: dataDir,
		STATIC_DIR: path.join(dataDir, 'no-build'),
		...opts.env
	};
	const proc = spawn(NODE, [MAIN, ...(opts.demo === false ? [] : ['--demo'])], {
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
	const exited = new Promise<number | null>((resolve) =>
		proc.once('exit', (code) => resolve(code))
	);
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 20_000;
	for (;;) {
		if (proc.exitCode !== null) throw new Error(`server exited early:\n${out}`);
		try {
			const r = await fetch(`${url}/couchdb/_up`);
			if (r.ok) break;
		} catch {
			/* not listening yet */
		}
		if (Date.now() > deadline) {
			proc.kill('SIGKILL');
			throw new Error(`server did not start:\n${out}`);
		}
		await sleep(50);
	}
	const server: Server = {
		url,
		api: `${url}/couchdb`,
		port,
		dataDir,
		proc,
		output: () => out,
		stop: async () => {
			if (proc.exitCode === null) proc.kill('SIGTERM');
			return exited;
		},
		kill9: async () => {
			if (proc.exitCode === null) proc.kill('SIGKILL');
			await exited;
		},
		restart: () => startServer({ ...opts, port, dataDir })
	};
	return server;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Json = Record<string, unknown>;

/** One HTTP call to the API; `user` signs in with Basic auth and the shared test password. */
export async function api(
	server: Server,
	method: string,
	pathname: string,
	opts: {
		user?: string;
		password?: string;
		body?: unknown;
		raw?: string | Buffer;
		headers?: Record<string, string>;
	} = {}
): Promise<{ status: number; body: Json & Json[]; headers: Headers }> {
	const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
	if (opts.user)
		headers.Authorization =
			'Basic ' + Buffer.from(`${opts.user}:${opts.password ?? PASSWORD}`).toString('base64');
	let body: string | Buffer | undefined;
	if (opts.body !== undefined) {
		body = JSON.stringify(opts.body);
		headers['Content-Type'] ??= 'application/json';
	} else if (opts.raw !== undefined) body = opts.raw;
	const r = await fetch(server.api + pathname, {
		method,
		headers,
		body: body as BodyInit | undefined
	});
	const text = await r.text();
	let parsed: unknown;
	try {
		parsed = text ? JSON.parse(text) : null;
	} catch {
		parsed = { text };
	}
	return { status: r.status, body: parsed as Json & Json[], headers: r.headers };
}

const clients: PouchDB.Database[] = [];

/** A PouchDB database on disk in tests/.tmp, as a device would hold it. */
export function localDb(name = 'client'): PouchDB.Database<Json> {
	const db = new PouchDB<Json>(path.join(tmpDir(name), 'db'));
	clients.push(db);
	return db;
}

/** The server's database as PouchDB sees it, signed in as `user` with Basic auth. */
export function remoteDb(
	server: Server,
	db: string,
	user: string,
	password = PASSWORD
): PouchDB.Database<Json> {
	return new PouchDB<Json>(`${server.api}/${db}`, {
		skip_setup: true,
		auth: { username: user, password }
	});
}

export async function closeClients(): Promise<void> {
	await Promise.all(clients.splice(0).map((db) => db.close().catch(() => undefined)));
}

export const now = () => new Date().toISOString();
export const uid = () => crypto.randomUUID();

/** A valid progress update for a head of `schoolId` (the simplest document a head may write). */
export function progressUpdate(
	schoolId: string,
	by: string,
	note = 'Progress noted in the staff meeting.'
): Json & { _id: string } {
	const at = now();
	return {
		_id: `progress:2026-27:x:${at}:${uid()}`,
		schemaVersion: 1,
		type: 'progress-update',
		schoolId,
		nextStepId: 'next-step:2026-27:x',
		status: 'in-progress',
		note,
		by,
		at
	};
}

/** A valid next step, written by a SIL. */
export function nextStep(
	schoolId: string,
	by = 'sil',
	action = 'Agree a reading plan for Year 3.'
): Json & { _id: string } {
	return {
		_id: `next-step:2026-27:${uid()}`,
		schemaVersion: 1,
		type: 'next-step',
		schoolId,
		year: '2026-27',
		action,
		owner: 'Headteacher',
		dueTerm: 3,
		successCriteria: 'Seen in books at the spring visit.',
		createdBy: by,
		createdAt: now()
	};
}

/** Waits until `check` passes or the time is up. */
export async function eventually(
	check: () => Promise<boolean> | boolean,
	ms = 10_000
): Promise<void> {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await sleep(50);
	}
}
