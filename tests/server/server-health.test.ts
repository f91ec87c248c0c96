import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, CLI, NODE, startServer, TEST_ENV, type Server } from './helpers.ts';

const exec = promisify(execFile);
const cli = (dataDir: string, ...args: string[]) =>
	exec(NODE, [CLI, ...args], { env: { ...process.env, ...TEST_ENV, DATA_DIR: dataDir } }).then(
		(r) => ({ code: 0, out: r.stdout }),
		(e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout })
	);

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

describe('what anonymous requests learn', () => {
	test('nobody signed in is told 401 whether or not a database exists', async () => {
		for (const path of [
			'/school-oakfield',
			'/school-nowhere',
			'/school-nowhere/some-doc',
			'/trust'
		])
			expect((await api(server, 'GET', path)).status).toBe(401);
		// Signed in, a missing database is still a 404.
		expect((await api(server, 'GET', '/school-nowhere', { user: 'admin' })).status).toBe(404);
	});
});

describe('a damaged data folder', () => {
	test('a damaged server.json stops the start with a message naming the copy; restoring it keeps the identity', async () => {
		const uuid = (await api(server, 'GET', '/')).body.uuid;
		await server.stop();
		const file = path.join(server.dataDir, 'server.json');
		const copy = path.join(server.dataDir, 'identity', 'server.json');
		fs.writeFileSync(file, '{"uuid": "trunc');
		const failed = await server.restart().then(
			() => '',
			(err: Error) => err.message
		);
		expect(failed).toContain(`${file} cannot be used: it is not valid JSON`);
		expect(failed).toContain(`A copy of it is at ${copy}. To restore it: cp '${copy}' '${file}'`);
		expect(fs.readFileSync(file, 'utf8')).toBe('{"uuid": "trunc'); // left for the administrator
		fs.copyFileSync(copy, file);
		server = await server.restart();
		expect((await api(server, 'GET', '/')).body.uuid).toBe(uuid);
	});

	test('a database that cannot be opened is reported by /_up and by the admin check; the others are served', async () => {
		expect((await api(server, 'GET', '/_up')).body).toEqual({ status: 'ok', seeds: {} });
		await server.stop();
		const healthy = await cli(server.dataDir, 'check');
		expect(healthy.code).toBe(0);
		expect(healthy.out).toContain('server identity: ok');
		expect(healthy.out).toContain('school-oakfield: ok');

		const dir = path.join(server.dataDir, 'dbs', 'school-hawthorn');
		for (const f of fs.readdirSync(dir))
			if (f.startsWith('MANIFEST')) fs.writeFileSync(path.join(dir, f), 'garbage');
		const check = await cli(server.dataDir, 'check');
		expect(check.code).toBe(1);
		expect(check.out).toMatch(
			/^school-hawthorn: CANNOT BE OPENED: Corruption: .*restore it from a backup/m
		);
		expect(check.out).toContain('school-oakfield: ok');
		expect(check.out).toContain('1 problem(s) found');

		server = await server.restart();
		const anon = await api(server, 'GET', '/_up');
		expect(anon.status).toBe(200);
		expect(anon.body).toEqual({ status: 'degraded', seeds: {}, unavailable: 1 });
		const admin = await api(server, 'GET', '/_up', { user: 'admin' });
		expect(admin.body.unavailable_databases).toEqual([
			{ name: 'school-hawthorn', reason: expect.stringMatching(/^Corruption: /) }
		]);
		expect(server.output()).toMatch(
			/"level":"error","msg":"databases cannot be opened".*school-hawthorn/
		);
		expect((await api(server, 'GET', '/school-oakfield/_all_docs', { user: 'admin' })).status).toBe(
			200
		);
	});
});
