import { afterAll, beforeAll, expect, test } from 'vitest';
import {
	api,
	closeClients,
	localDb,
	nextStep,
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

// The demo trust's list of people names `sil` James Whitfield and `head.oakfield` Sarah Thompson.
const put = (user: string, db: string, doc: Json & { _id: string }) =>
	api(server, 'PUT', `/${db}/${encodeURIComponent(doc._id)}`, { user, body: doc });

test('a record carries its author’s own full name, as the trust’s list of people gives it', async () => {
	const own = await put('sil', 'school-oakfield', {
		...nextStep('oakfield'),
		createdByName: 'James Whitfield'
	});
	expect(own.status).toBe(201);

	const forged = await put('sil', 'school-oakfield', {
		...nextStep('oakfield'),
		createdByName: 'Dr Margaret Ellison'
	});
	expect(forged.status).toBe(403);
	expect(forged.body).toEqual({
		error: 'forbidden',
		reason:
			'"Dr Margaret Ellison" is not the name the trust has for sil ("James Whitfield"): a record carries each person\'s own name.'
	});

	const update = await put('head.oakfield', 'school-oakfield', {
		...progressUpdate('oakfield', 'head.oakfield'),
		byName: 'James Whitfield'
	});
	expect(update.status).toBe(403);
	expect(update.body.reason).toMatch(/not the name the trust has for head\.oakfield/);

	// A copy sent to the chair of governors names who recorded it, checked the same way.
	const copy = (id: string, byName: string) => ({
		_id: `governors-copy:2026-27:${id}`,
		schemaVersion: 1,
		type: 'governors-copy',
		schoolId: 'oakfield',
		year: '2026-27',
		term: 1,
		sentOn: '2026-10-20',
		to: 'Chair of governors',
		by: 'sil',
		byName,
		at: '2026-10-20T09:00:00.000Z'
	});
	expect((await put('sil', 'school-oakfield', copy('own', 'James Whitfield'))).status).toBe(201);
	const forgedCopy = await put('sil', 'school-oakfield', copy('forged', 'Dr Margaret Ellison'));
	expect(forgedCopy.status).toBe(403);
	expect(forgedCopy.body.reason).toMatch(/not the name the trust has for sil/);
});

test('a stamp’s name is checked too: a head’s reply signed with another name is refused', async () => {
	const step = { ...nextStep('oakfield'), createdByName: 'James Whitfield' };
	const made = await put('sil', 'school-oakfield', step);
	expect(made.status).toBe(201);
	const reply = (name: string) => ({
		...step,
		_rev: made.body.rev as string,
		headReply: { by: 'head.oakfield', name, at: new Date().toISOString(), agrees: true, reason: '' }
	});
	const forged = await put('head.oakfield', 'school-oakfield', reply('Dr Margaret Ellison'));
	expect(forged.status).toBe(403);
	expect(forged.body.reason).toMatch(/"Dr Margaret Ellison" is not the name/);
	expect((await put('head.oakfield', 'school-oakfield', reply('Sarah Thompson'))).status).toBe(201);
});

test('a device replicating a forged name has that record refused and the others stored', async () => {
	const device = localDb('forged-names');
	const good = { ...progressUpdate('oakfield', 'head.oakfield'), byName: 'Sarah Thompson' };
	const bad = { ...progressUpdate('oakfield', 'head.oakfield'), byName: 'Priya Shah' };
	await device.bulkDocs([good, bad]);
	const denied: string[] = [];
	const push = device.replicate.to(remoteDb(server, 'school-oakfield', 'head.oakfield'));
	void push.on('denied', (err) => denied.push(String((err as { id?: string }).id)));
	const result = await push;
	expect(result.docs_written).toBe(1);
	expect(denied).toEqual([bad._id]);
	const read = (id: string) =>
		api(server, 'GET', `/school-oakfield/${encodeURIComponent(id)}`, { user: 'head.oakfield' });
	expect((await read(good._id)).status).toBe(200);
	expect((await read(bad._id)).status).toBe(404);
});

test('after a rename the new name is written, the old one still signs, and records stay editable', async () => {
	const old = { ...nextStep('oakfield'), createdByName: 'James Whitfield' };
	const made = await put('sil', 'school-oakfield', old);
	expect(made.status).toBe(201);

	// An administrator renames the account over HTTP, as CouchDB's own tools would.
	const account = (await api(server, 'GET', '/_users/org.couchdb.user:sil', { user: 'admin' }))
		.body;
	const renamed = await api(server, 'PUT', '/_users/org.couchdb.user:sil', {
		user: 'admin',
		body: { ...account, fullName: 'James Whitfield-Hart' }
	});
	expect(renamed.status).toBe(201);
	// The trust's list of people follows, keeping the name he had.
	const people = (await api(server, 'GET', '/trust/people', { user: 'sil' })).body
		.people as unknown as { name: string; fullName: string; formerNames?: string[] }[];
	expect(people.find((p) => p.name === 'sil')).toMatchObject({
		name: 'sil',
		fullName: 'James Whitfield-Hart',
		formerNames: ['James Whitfield']
	});

	// His tablet, offline through the rename, still signs new records with the old name: kept.
	const stale = await put('sil', 'school-oakfield', {
		...nextStep('oakfield'),
		createdByName: 'James Whitfield'
	});
	expect(stale.status).toBe(201);
	expect(
		(
			await put('sil', 'school-oakfield', {
				...nextStep('oakfield'),
				createdByName: 'James Whitfield-Hart'
			})
		).status
	).toBe(201);
	// A name he never had is still refused.
	const forged = await put('sil', 'school-oakfield', {
		...nextStep('oakfield'),
		createdByName: 'Sarah Thompson'
	});
	expect(forged.status).toBe(403);
	// The name already on the record is not written again by an edit of its words.
	const edited = await put('sil', 'school-oakfield', {
		...old,
		_rev: made.body.rev as string,
		action: 'Agree a reading plan for Years 3 and 4.'
	});
	expect(edited.status).toBe(201);
});

test('a name nested deeper than the call stack goes is still checked, and answered', async () => {
	// 50,000 levels of lists around one stamp with another person's name.
	const depth = 50_000;
	const stamp = { by: 'sil', name: 'Dr Margaret Ellison', at: new Date().toISOString() };
	const step = nextStep('oakfield');
	const raw = JSON.stringify({ ...step, nested: '@' }).replace(
		'"@"',
		'['.repeat(depth) + JSON.stringify(stamp) + ']'.repeat(depth)
	);
	const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
		user: 'sil',
		raw: `{"docs":[${raw}]}`,
		headers: { 'Content-Type': 'application/json' }
	});
	expect(r.status).toBe(201);
	expect(r.body).toEqual([
		{
			id: step._id,
			error: 'forbidden',
			reason: expect.stringMatching(/^"Dr Margaret Ellison" is not the name the trust has for sil/)
		}
	]);
});
