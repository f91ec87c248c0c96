import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { api, CLI, NODE, startServer, TEST_ENV } from './helpers.ts';

const exec = promisify(execFile);
const cli = (dataDir: string, ...args: string[]) =>
	exec(NODE, [CLI, ...args], { env: { ...process.env, ...TEST_ENV, DATA_DIR: dataDir } });

test('a closed school is deleted for good only on the admin command, typed twice', async () => {
	let server = await startServer();
	const dir = server.dataDir;
	const admin = { user: 'admin' };
	const school = await api(server, 'GET', '/trust/school:willow-bank', admin);
	const closed = await api(server, 'PUT', '/trust/school:willow-bank', {
		...admin,
		body: {
			...school.body,
			closed: {
				on: '2026-11-20',
				reason: 'Closed by the local authority',
				by: 'admin',
				at: '2026-11-20T09:00:00.000Z'
			}
		}
	});
	expect(closed.status).toBe(201);
	await server.stop();

	await expect(cli(dir, 'delete-school', 'willow-bank')).rejects.toThrow(
		/add --confirm willow-bank/
	);
	await expect(cli(dir, 'delete-school', 'hawthorn', '--confirm', 'hawthorn')).rejects.toThrow(
		/is open: close it in the app first/
	);
	const done = await cli(dir, 'delete-school', 'willow-bank', '--confirm', 'willow-bank');
	expect(done.stdout).toMatch(/deleted school willow-bank/);

	server = await server.restart();
	try {
		expect((await api(server, 'GET', '/school-willow-bank', admin)).status).toBe(404);
		expect((await api(server, 'GET', '/trust/school:willow-bank', admin)).status).toBe(404);
		// The open school is untouched.
		expect((await api(server, 'GET', '/school-hawthorn', admin)).status).toBe(200);
	} finally {
		await server.stop();
	}
});
