import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { api, CLI, NODE, nextStep, startServer, TEST_ENV, type Json } from './helpers.ts';

const exec = promisify(execFile);
const cli = (dataDir: string, ...args: string[]) =>
	exec(NODE, [CLI, ...args], { env: { ...process.env, ...TEST_ENV, DATA_DIR: dataDir } });

describe('admin command line', () => {
	test('accounts, schools, and a backup restored with every revision and attachment', async () => {
		let server = await startServer();
		const dir = server.dataDir;
		const sil = { user: 'sil' };
		// A conflict and an attachment, so the backup has something to keep.
		const step = nextStep('oakfield');
		const first = await api(server, 'POST', '/school-oakfield', { ...sil, body: step });
		const withAtt = await api(server, 'PUT', `/school-oakfield/${encodeURIComponent(step._id)}`, {
			...sil,
			body: {
				...step,
				_rev: first.body.rev,
				_attachments: {
					'a.txt': { content_type: 'text/plain', data: Buffer.from('evidence').toString('base64') }
				}
			}
		});
		await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			...sil,
			body: {
				new_edits: false,
				docs: [
					{
						...step,
						action: 'Other device.',
						_rev: `2-${'b'.repeat(32)}`,
						_revisions: { start: 2, ids: ['b'.repeat(32), (first.body.rev as string).slice(2)] }
					}
				]
			}
		});
		expect(withAtt.status).toBe(201);
		await server.stop();

		await expect(
			cli(
				dir,
				'create-user',
				'sil2',
				'--roles',
				'sil,school:hawthorn',
				'--full-name',
				'Amira Patel',
				'--password',
				'sil2-password'
			)
		).resolves.toBeTruthy();
		const reset = await cli(dir, 'reset-password', 'head.oakfield');
		const newPassword = /password: (\S+)/.exec(reset.stdout)![1]!;
		await cli(dir, 'assign-schools', 'sil2', 'hawthorn,ashcombe');
		await cli(
			dir,
			'create-school',
			'brook-lane',
			'--name',
			'Brook Lane Primary School',
			'--category',
			'3',
			'--strand',
			'corrective',
			'--carter-stage',
			'repair'
		);
		const list = await cli(dir, 'list-users');
		expect(list.stdout).toMatch(/sil2\s+Amira Patel\s+sil,school:hawthorn,school:ashcombe/);
		const file = path.join(dir, 'oakfield.ndjson');
		const b = await cli(dir, 'backup', 'school-oakfield', file);
		expect(b.stdout).toMatch(/backed up \d+ document revisions/);
		await cli(dir, 'restore', file, 'school-oakfield-copy');
		await expect(
			cli(
				dir,
				'create-user',
				'x',
				'--roles',
				'wizard',
				'--full-name',
				'X',
				'--password',
				'long-enough'
			)
		).rejects.toThrow(/unknown roles/);

		server = await server.restart();
		try {
			expect(
				(await api(server, 'GET', '/school-ashcombe', { user: 'sil2', password: 'sil2-password' }))
					.status
			).toBe(200);
			expect(
				(
					await api(server, 'GET', '/school-oakfield', {
						user: 'head.oakfield',
						password: newPassword
					})
				).status
			).toBe(200);
			expect((await api(server, 'GET', '/school-brook-lane', { user: 'admin' })).status).toBe(200);
			const admin = { user: 'admin' };
			const orig = await api(server, 'GET', '/school-oakfield/_changes?style=all_docs', admin);
			const copy = await api(server, 'GET', '/school-oakfield-copy/_changes?style=all_docs', admin);
			const revs = (r: { body: Json }) =>
				Object.fromEntries(
					(r.body.results as { id: string; changes: { rev: string }[] }[]).map((x) => [
						x.id,
						x.changes.map((c) => c.rev).sort()
					])
				);
			expect(revs(copy)).toEqual(revs(orig));
			const id = encodeURIComponent(step._id);
			const restored = await api(
				server,
				'GET',
				`/school-oakfield-copy/${id}?conflicts=true`,
				admin
			);
			expect(restored.body._conflicts).toHaveLength(1);
			const att = await fetch(
				`${server.api}/school-oakfield-copy/${id}/a.txt?rev=${withAtt.body.rev as string}`,
				{
					headers: {
						Authorization:
							'Basic ' + Buffer.from('admin:' + TEST_ENV.DEMO_PASSWORD).toString('base64')
					}
				}
			);
			expect(await att.text()).toBe('evidence');
		} finally {
			await server.stop();
		}
	});
});
