import { afterAll, beforeAll, expect, test } from 'vitest';
import {
	api,
	closeClients,
	localDb,
	progressUpdate,
	remoteDb,
	startServer,
	type Json,
	type Server
} from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

const DB = 'school-oakfield';
const put = (doc: Json & { _id: string }) =>
	api(server, 'PUT', `/${DB}/${encodeURIComponent(doc._id)}`, { user: 'head.oakfield', body: doc });

/** A progress update on its own step (`next-step:2026-27:<step>`), as the app names it. */
function update(step: string, fields: Json): Json & { _id: string } {
	const base = progressUpdate('oakfield', 'head.oakfield');
	const at = base.at as string;
	return {
		...base,
		_id: `progress:2026-27:${step}:${at}:${crypto.randomUUID()}`,
		nextStepId: `next-step:2026-27:${step}`,
		...fields
	};
}
const noteOnDone = (step: string) =>
	update(step, { status: 'done', statusBefore: 'done', note: 'Still in place at Christmas.' });

test('a head cannot mark a step done without evidence by saying it was done already', async () => {
	const claimed = await put(noteOnDone('never-done'));
	expect(claimed.status).toBe(403);
	expect(claimed.body).toEqual({
		error: 'forbidden',
		reason:
			'This next step has not been marked done at the trust, so marking it done needs a short note of the evidence.'
	});

	// Another step being done proves nothing about this one.
	const other = update('done-elsewhere', {
		status: 'done',
		note: 'Phonics scheme in every class.',
		evidence: 'Seen in Year 1 books.'
	});
	expect((await put(other)).status).toBe(201);
	expect((await put(noteOnDone('never-done'))).status).toBe(403);
});

test('a later note on a step marked done with evidence needs none of its own', async () => {
	const marked = update('marked', {
		status: 'done',
		statusBefore: 'in-progress',
		note: 'Reading plan in place.',
		evidence: 'Plan seen; Year 3 books show daily reading.'
	});
	expect((await put(marked)).status).toBe(201);
	expect((await put(noteOnDone('marked'))).status).toBe(201);
});

test('a device offline all day marks a step done and adds a note: one push stores both', async () => {
	const device = localDb('step-done');
	const marked = update('offline', {
		status: 'done',
		statusBefore: 'in-progress',
		note: 'Governors agreed the plan.',
		evidence: 'Minutes of 20 November.'
	});
	const note = noteOnDone('offline');
	const forged = noteOnDone('offline-never-done');
	await device.put(marked);
	await device.put(note);
	await device.put(forged);
	const denied: string[] = [];
	const push = device.replicate.to(remoteDb(server, DB, 'head.oakfield'));
	void push.on('denied', (err) => denied.push(String((err as { id?: string }).id)));
	const result = await push;
	expect(denied).toEqual([forged._id]);
	expect(result.docs_written).toBe(2);
	const read = (id: string) =>
		api(server, 'GET', `/${DB}/${encodeURIComponent(id)}`, { user: 'head.oakfield' });
	expect((await read(note._id)).status).toBe(200);
	expect((await read(forged._id)).status).toBe(404);
});
