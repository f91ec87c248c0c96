import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	api,
	nextStep,
	now,
	PASSWORD,
	startServer,
	uid,
	type Json,
	type Server
} from './helpers.ts';

// Issue 15: a headteacher replies to a shared record and to each proposed next step, and those
// reply fields are the only ones a head may write; the CEO's vulnerable mark is the CEO's alone.
// Every write goes over HTTP to the real server, which runs the shared rules.

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

const DB = '/school-oakfield';
const sil = { user: 'sil' };
const head = { user: 'head.oakfield' };
const ceo = { user: 'ceo' };
const docPath = (id: string) => `${DB}/${encodeURIComponent(id)}`;

async function put(who: { user: string }, doc: Json & { _id: string }) {
	return api(server, 'PUT', docPath(doc._id), { ...who, body: doc });
}

/** Write `doc` as `who` and give back the stored revision. */
async function stored(
	who: { user: string },
	doc: Json & { _id: string }
): Promise<Json & { _id: string; _rev: string }> {
	const r = await put(who, doc);
	expect(r.status, JSON.stringify(r.body)).toBe(201);
	return { ...doc, _rev: String(r.body.rev) };
}

const sharedVisit = (): Json & { _id: string } => ({
	_id: `visit:2026-27:t2:${uid()}`,
	schemaVersion: 1,
	type: 'visit',
	schoolId: 'oakfield',
	year: '2026-27',
	term: 2,
	date: '2026-11-19',
	visitor: 'sil',
	status: 'shared',
	attendees: [],
	focus: 'Joint activities linked to school priorities',
	documents: [],
	activities: [],
	discussion: [],
	frameworkId: 'ofsted-2025',
	evaluations: [],
	safeguarding: null,
	daysUsed: 1,
	shared: { by: 'sil', at: now() },
	addenda: [],
	createdAt: now(),
	updatedAt: now()
});

const hex = () => crypto.randomBytes(16).toString('hex');
const reply = (by: string, agrees: boolean, reason: string) => ({ by, at: now(), agrees, reason });

describe('a headteacher replies to a proposed next step and changes nothing else', () => {
	test('the head agrees or disagrees in their own name; the SIL cannot write the reply', async () => {
		const step = await stored(sil, nextStep('oakfield'));
		const disagree = {
			...step,
			headReply: reply('head.oakfield', false, 'We agreed the deputy would lead this.')
		};
		const r = await put(head, disagree);
		expect(r.status).toBe(201);
		const read = await api(server, 'GET', docPath(step._id), sil);
		expect(read.body.headReply).toMatchObject({
			agrees: false,
			reason: 'We agreed the deputy would lead this.'
		});
		// A later reply replaces it.
		const agree = { ...disagree, _rev: r.body.rev, headReply: reply('head.oakfield', true, '') };
		const r2 = await put(head, agree);
		expect(r2.status).toBe(201);

		// The SIL may reword the step but never write the head's reply for them.
		const forged = { ...agree, _rev: r2.body.rev, headReply: reply('sil', true, '') };
		expect(await put(sil, forged)).toMatchObject({
			status: 403,
			body: {
				error: 'forbidden',
				reason: 'Only the headteacher agrees or disagrees with a next step.'
			}
		});
		const reworded = { ...agree, _rev: r2.body.rev, action: 'Agree a reading plan for Year 4.' };
		expect((await put(sil, reworded)).status).toBe(201);
	});

	test('a reply made on a phone that had not seen the step removed brings it back; no other edit does', async () => {
		// The head's phone held the step's first revision; the visitor's out-of-date device removed
		// it, and the removal reached the trust first. The phone's reply then replicates.
		const step = await stored(sil, nextStep('oakfield'));
		const [, first] = step._rev.split('-') as [string, string];
		const removed = await api(server, 'DELETE', `${docPath(step._id)}?rev=${step._rev}`, sil);
		expect(removed.status).toBe(200);
		const replicated = (body: Json, id = hex()) => ({
			...step,
			...body,
			_rev: `2-${id}`,
			_revisions: { start: 2, ids: [id, first] }
		});
		const push = (who: { user: string }, doc: Json) =>
			api(server, 'POST', `${DB}/_bulk_docs`, {
				...who,
				body: { new_edits: false, docs: [doc] }
			});

		// Checked as an edit of the revision it descends from: a head may not reword it...
		const reworded = await push(head, replicated({ action: 'Something else.' }));
		expect(reworded.body).toEqual([
			expect.objectContaining({
				error: 'forbidden',
				reason: 'A headteacher may agree or disagree with a next step but not change it.'
			})
		]);
		// ...nor write a step of their own from nothing (no revision of it on the trust).
		const own = hex();
		const made = await push(head, {
			...replicated({ headReply: reply('head.oakfield', true, '') }, own),
			_revisions: { start: 2, ids: [own, hex()] }
		});
		expect(made.body).toEqual([
			expect.objectContaining({
				error: 'forbidden',
				reason: 'Only the visitor records agreed next steps.'
			})
		]);
		expect((await api(server, 'GET', docPath(step._id), sil)).status).toBe(404);

		// Their agreement is accepted, and the step is there again for everyone, agreed.
		const agreed = await push(head, replicated({ headReply: reply('head.oakfield', true, '') }));
		expect(agreed.status).toBe(201);
		expect(agreed.body).toEqual([]);
		const read = await api(server, 'GET', docPath(step._id), sil);
		expect(read.status).toBe(200);
		expect(read.body).toMatchObject({ action: step.action, headReply: { agrees: true } });
	});

	test('a head may not reword a step, reply in another name, or remove their reply', async () => {
		const step = await stored(sil, nextStep('oakfield'));
		expect(await put(head, { ...step, action: 'Something else.' })).toMatchObject({
			status: 403,
			body: {
				error: 'forbidden',
				reason: 'A headteacher may agree or disagree with a next step but not change it.'
			}
		});
		expect(await put(head, { ...step, headReply: reply('head.other', true, '') })).toMatchObject({
			status: 403,
			body: { reason: 'A reply to a next step must be in your own name.' }
		});
		// A disagreement needs its reason: the schema says so before the rules do.
		const bare = await put(head, { ...step, headReply: reply('head.oakfield', false, ' ') });
		expect(bare.status).toBe(403);
		expect(String(bare.body.reason)).toContain('say why you disagree');

		const replied = await stored(head, {
			...step,
			headReply: reply('head.oakfield', true, '')
		});
		const { headReply: _gone, ...without } = replied;
		expect(await put(head, without)).toMatchObject({
			status: 403,
			body: { reason: 'A reply to a next step is replaced by a new one, not removed.' }
		});
		// A head never creates a step.
		expect((await put(head, nextStep('oakfield', 'head.oakfield'))).status).toBe(403);
	});
});

describe('a headteacher replies to a shared record', () => {
	test('with a disagreement the SIL cannot write or clear, then confirms', async () => {
		const visit = await stored(sil, sharedVisit());
		const disagreement = {
			by: 'head.oakfield',
			at: now(),
			reason: 'Reading was discussed, not maths.'
		};
		const r = await put(head, { ...visit, disagreement });
		expect(r.status).toBe(201);
		const withReply = { ...visit, disagreement, _rev: String(r.body.rev) };

		// The SIL sees it and may not clear it, but may take the record back to draft to change it.
		const { disagreement: _d, ...cleared } = withReply;
		expect(await put(sil, cleared)).toMatchObject({
			status: 403,
			body: { reason: 'Only the headteacher replies that a record is not agreed.' }
		});
		const back = await stored(sil, { ...withReply, status: 'draft', shared: undefined });
		const reshared = await stored(sil, {
			...back,
			status: 'shared',
			shared: { by: 'sil', at: now() }
		});

		// The head confirms, which settles the disagreement.
		const { disagreement: _x, ...settled } = reshared;
		const confirmed = {
			...settled,
			status: 'confirmed',
			confirmation: { by: 'head.oakfield', at: now(), comment: '' }
		};
		expect((await put(head, confirmed)).status).toBe(201);
	});

	test('a head may not disagree in another name, nor change what the record says', async () => {
		const visit = await stored(sil, sharedVisit());
		expect(
			await put(head, { ...visit, disagreement: { by: 'sil', at: now(), reason: 'No.' } })
		).toMatchObject({ status: 403 });
		expect(
			await put(head, {
				...visit,
				focus: 'Changed by the head',
				disagreement: { by: 'head.oakfield', at: now(), reason: 'The focus was wrong.' }
			})
		).toMatchObject({
			status: 403,
			body: {
				reason:
					'A headteacher may confirm a shared record, or say why they disagree, but not change what it says.'
			}
		});
	});
});

describe('the vulnerable mark is the chief executive’s', () => {
	const mark = (): Json & { _id: string } => ({
		_id: `vulnerable:${uid()}`,
		schemaVersion: 1,
		type: 'vulnerable-mark',
		schoolId: 'oakfield',
		markedOn: '2026-11-02',
		markedBy: 'ceo',
		reason: 'Attendance of disadvantaged pupils fell sharply.',
		meetingOn: '2026-11-05',
		meetingNotes: 'Met the headteacher at the school.',
		supportPlan: 'Fortnightly SIL visits on attendance until Easter.',
		updatedBy: 'ceo',
		updatedAt: now()
	});

	test('only the CEO marks, the removal keeps the record, and it is never deleted', async () => {
		expect(
			(await put(head, { ...mark(), markedBy: 'head.oakfield', updatedBy: 'head.oakfield' })).status
		).toBe(403);
		expect((await put(sil, { ...mark(), markedBy: 'sil', updatedBy: 'sil' })).status).toBe(403);
		const m = await stored(ceo, mark());
		const removed = await stored(ceo, {
			...m,
			removed: { by: 'ceo', at: now(), on: '2027-03-20', reason: 'Attendance back above 95%.' }
		});
		expect(await api(server, 'DELETE', `${docPath(m._id)}?rev=${removed._rev}`, ceo)).toMatchObject(
			{
				status: 403,
				body: {
					reason: 'A vulnerable mark is never deleted: remove the mark with a date and reason.'
				}
			}
		);
		const read = await api(server, 'GET', docPath(m._id), head);
		expect(read.status).toBe(200);
		expect(read.body.removed).toMatchObject({ on: '2027-03-20' });
	});
});

describe('a head who is also a SIL', () => {
	// An executive head who leads Oakfield and supports Hawthorn as its school improvement lead.
	const exec = { user: `exec-${uid().slice(0, 8)}` };
	const admin = { user: 'admin' };
	const account = (roles: string[]) => ({
		_id: `org.couchdb.user:${exec.user}`,
		type: 'user',
		name: exec.user,
		fullName: 'Alex Exec',
		roles,
		password: PASSWORD
	});

	test('an account names the school it leads with head:<id>, held with head and that school', async () => {
		const path = `/_users/org.couchdb.user:${exec.user}`;
		const alone = await api(server, 'PUT', path, {
			...admin,
			body: account(['head', 'sil', 'head:oakfield', 'school:hawthorn'])
		});
		expect(alone.status).toBe(403);
		expect(alone.body.reason).toBe(
			'The role head:oakfield needs the roles head and school:oakfield as well.'
		);
		const made = await api(server, 'PUT', path, {
			...admin,
			body: account(['head', 'sil', 'head:oakfield', 'school:oakfield', 'school:hawthorn'])
		});
		expect(made.status, JSON.stringify(made.body)).toBe(201);
	});

	test('confirms a record shared in the school they lead, and none in a school they support', async () => {
		const confirm = (doc: Json & { _id: string; _rev: string }) => ({
			...doc,
			status: 'confirmed',
			confirmation: { by: exec.user, at: now(), comment: '' }
		});
		const own = await stored(sil, sharedVisit());
		expect((await put(exec, confirm(own))).status).toBe(201);

		const hawthorn = { ...sharedVisit(), schoolId: 'hawthorn' };
		const r = await api(server, 'PUT', `/school-hawthorn/${encodeURIComponent(hawthorn._id)}`, {
			...sil,
			body: hawthorn
		});
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		const refused = await api(
			server,
			'PUT',
			`/school-hawthorn/${encodeURIComponent(hawthorn._id)}`,
			{ ...exec, body: confirm({ ...hawthorn, _rev: String(r.body.rev) }) }
		);
		expect(refused.status).toBe(403);
		expect(refused.body.reason).toBe('Only the visitor who made this record may change it.');
	});
});
