import { describe, expect, it } from 'vitest';
import { admin, ceo, head, now, sil } from '../../../tests/unit/fixtures';
import { Concern, concernOrder, openConcernsBySchool, type ConcernAction } from './concern';
import { CONCERNS_DB } from './school';
import { canAccessDb, mayReadConcernsOf, readsEveryConcern, securityFor } from './roles';
import { validateDocUpdate } from './rules';

const otherSil = { name: 'sil.north', roles: ['sil', 'school:ash'] };

function concern(over: Partial<Concern> = {}): Concern {
	return {
		_id: 'concern:c1',
		schemaVersion: 1,
		type: 'concern',
		schoolId: 'oakfield',
		visitId: 'visit:2026-27:t2:v1',
		raisedOn: '2026-11-20',
		raisedBy: 'sil',
		title: 'Attendance falling in year 5',
		seen: 'Registers show 88% attendance in year 5 this half term.',
		level: 'action',
		actions: [],
		updatedBy: 'sil',
		updatedAt: now,
		...over
	};
}

const action = (over: Partial<ConcernAction> = {}): ConcernAction => ({
	id: 'a1',
	on: '2026-11-24',
	text: 'Met the headteacher; attendance officer to visit weekly',
	by: 'ceo',
	at: now,
	...over
});

const byCeo = (over: Partial<Concern>) => concern({ updatedBy: 'ceo', ...over });
const write = (doc: Concern, old: Concern | null, user: typeof sil) =>
	validateDocUpdate(doc, old, user, CONCERNS_DB);

describe('who may open the concerns', () => {
	it('gives the concerns to leads and the CEO, never to a head', () => {
		expect(canAccessDb(sil, CONCERNS_DB)).toBe(true);
		expect(canAccessDb(ceo, CONCERNS_DB)).toBe(true);
		expect(canAccessDb(head, CONCERNS_DB)).toBe(false);
		expect(securityFor(CONCERNS_DB).members.roles).toEqual(['sil', 'ceo']);
	});

	it('lets a lead read the concerns of the schools they support, not those of one they lead', () => {
		const lead = { name: 'sil.b', roles: ['sil', 'school:hawthorn'] };
		expect(mayReadConcernsOf(lead, 'hawthorn')).toBe(true);
		expect(mayReadConcernsOf(lead, 'oakfield')).toBe(false);
		expect(mayReadConcernsOf(lead, undefined)).toBe(false);
		// The head of Oakfield who is Hawthorn's SIL: never the concerns about their own school.
		const exec = {
			name: 'exec',
			roles: ['head', 'sil', 'head:oakfield', 'school:oakfield', 'school:hawthorn']
		};
		expect(mayReadConcernsOf(exec, 'hawthorn')).toBe(true);
		expect(mayReadConcernsOf(exec, 'oakfield')).toBe(false);
		// A head alone, or anyone signed out, reads none; the CEO and administrators read all.
		expect(mayReadConcernsOf(head, 'oakfield')).toBe(false);
		expect(mayReadConcernsOf({ name: null, roles: ['ceo'] }, 'oakfield')).toBe(false);
		for (const u of [ceo, admin]) {
			expect(readsEveryConcern(u)).toBe(true);
			expect(mayReadConcernsOf(u, 'millbrook')).toBe(true);
		}
		expect(readsEveryConcern(sil)).toBe(false);
	});
});

describe('a concern raised to the CEO', () => {
	it('is raised by a lead who supports the school, in their own name', () => {
		expect(write(concern(), null, sil)).toEqual({ ok: true });
		expect(write(concern({ raisedBy: 'sil.north', updatedBy: 'sil' }), null, sil)).toMatchObject({
			ok: false,
			reason: 'A concern is raised in your own name.'
		});
		const other = concern({ raisedBy: 'sil.north', updatedBy: 'sil.north' });
		expect(write(other, null, otherSil)).toMatchObject({
			ok: false,
			reason: 'Only a school improvement lead who supports this school raises a concern.'
		});
	});

	it('is never raised by a lead about the school they lead as its head', () => {
		const exec = {
			name: 'exec',
			roles: ['head', 'sil', 'head:oakfield', 'school:oakfield', 'school:ash']
		};
		const own = concern({ raisedBy: 'exec', updatedBy: 'exec' });
		expect(write(own, null, exec)).toMatchObject({
			ok: false,
			reason: 'Only a school improvement lead who supports this school raises a concern.'
		});
		expect(write({ ...own, schoolId: 'ash' }, null, exec)).toEqual({ ok: true });
	});

	it('is refused to a head, and to the CEO as its author', () => {
		const h = concern({ raisedBy: 'head.oakfield', updatedBy: 'head.oakfield' });
		expect(write(h, null, head)).toMatchObject({ ok: false });
		const c = concern({ raisedBy: 'ceo', updatedBy: 'ceo' });
		expect(write(c, null, ceo)).toMatchObject({
			ok: false,
			reason: 'A concern is raised by the school improvement lead who saw it.'
		});
	});

	it('belongs in the concerns database only, never a school’s', () => {
		expect(validateDocUpdate(concern(), null, sil, 'school-oakfield')).toMatchObject({
			ok: false,
			reason: 'A concern document does not belong in the database "school-oakfield".'
		});
	});

	it('needs a title, what was seen and a level', () => {
		expect(write(concern({ title: '  ' }), null, sil)).toMatchObject({
			ok: false,
			reason: 'Invalid concern: title: give the concern a short title.'
		});
		expect(write(concern({ seen: '' }), null, sil)).toMatchObject({ ok: false });
		expect(write({ ...concern(), level: 'red' } as never, null, sil)).toMatchObject({ ok: false });
	});

	it('cannot be raised with actions or closed: that is the CEO’s part', () => {
		expect(write(concern({ actions: [action({ by: 'sil' })] }), null, sil)).toMatchObject({
			ok: false,
			reason: 'Only the chief executive records what was done about a concern.'
		});
	});

	it('lets its lead reword it while open, not record actions, and not once closed', () => {
		const old = concern();
		expect(write(concern({ level: 'urgent', seen: 'Worse today' }), old, sil).ok).toBe(true);
		expect(write(concern({ actions: [action({ by: 'sil' })] }), old, sil)).toMatchObject({
			ok: false
		});
		const closed = concern({ closed: { by: 'ceo', at: now, on: '2026-11-25', note: '' } });
		expect(write({ ...closed, title: 'New words' }, closed, sil)).toMatchObject({
			ok: false,
			reason: 'This concern was closed by the chief executive.'
		});
	});

	it('lets the CEO add what was done and close it, in their own name', () => {
		const old = concern();
		const acted = byCeo({ actions: [action()] });
		expect(write(acted, old, ceo)).toEqual({ ok: true });
		const closed = byCeo({
			actions: [action()],
			closed: { by: 'ceo', at: now, on: '2026-11-26', note: 'Attendance back to 95%' }
		});
		expect(write(closed, acted, ceo)).toEqual({ ok: true });
		expect(write(byCeo({ actions: [action({ by: 'sil' })] }), old, ceo)).toMatchObject({
			ok: false,
			reason: 'What was done is recorded in your own name.'
		});
		const forged = byCeo({ closed: { by: 'sil', at: now, on: '2026-11-26', note: '' } });
		expect(write(forged, old, ceo)).toMatchObject({
			ok: false,
			reason: 'A concern is closed in your own name.'
		});
	});

	it('keeps every action: the CEO neither rewrites nor drops one, nor rewords the concern', () => {
		const old = byCeo({ actions: [action()] });
		expect(write(byCeo({ actions: [] }), old, ceo)).toMatchObject({
			ok: false,
			reason: 'What was done about a concern stays on record: add to it instead.'
		});
		expect(write(byCeo({ actions: [action({ text: 'Other words' })] }), old, ceo)).toMatchObject({
			ok: false
		});
		expect(write(byCeo({ actions: [action()], level: 'watch' }), old, ceo)).toMatchObject({
			ok: false,
			reason: 'The chief executive records what was done but does not reword the concern.'
		});
	});

	it('keeps two devices’ actions merged in either order', () => {
		const old = byCeo({ actions: [action()] });
		const b = action({ id: 'b2', text: 'Letter to governors' });
		const c = action({ id: 'c3', text: 'Attendance officer visit booked' });
		expect(write(byCeo({ actions: [c, action(), b] }), old, ceo)).toEqual({ ok: true });
	});

	it('stays closed, with its history, and is never deleted', () => {
		const closedStamp = { by: 'ceo', at: now, on: '2026-11-26', note: '' };
		const closed = byCeo({ actions: [action()], closed: closedStamp });
		expect(write(byCeo({ actions: [action()] }), closed, ceo)).toMatchObject({
			ok: false,
			reason: 'This concern is closed; record what else was done as an action.'
		});
		// A later follow-up is still recorded.
		const later = byCeo({ actions: [action(), action({ id: 'a2' })], closed: closedStamp });
		expect(write(later, closed, ceo).ok).toBe(true);
		const tombstone = { _id: closed._id, _rev: '2-x', _deleted: true };
		for (const user of [ceo, sil]) {
			expect(
				validateDocUpdate(tombstone, { ...closed, _rev: '2-x' }, user, CONCERNS_DB)
			).toMatchObject({
				ok: false,
				reason: 'A concern is never deleted: the chief executive closes it instead.'
			});
		}
		expect(validateDocUpdate(tombstone, closed, admin, CONCERNS_DB).ok).toBe(true);
	});

	it('cannot be closed before the day it was raised', () => {
		const early = byCeo({ closed: { by: 'ceo', at: now, on: '2026-11-01', note: '' } });
		expect(write(early, concern(), ceo)).toMatchObject({ ok: false });
	});
});

describe('the order the CEO reads concerns in', () => {
	it('puts open ones first, the most serious and then the oldest first, then closed ones', () => {
		const list = [
			concern({
				_id: 'concern:closed',
				closed: { by: 'ceo', at: now, on: '2026-11-22', note: '' }
			}),
			concern({ _id: 'concern:watch', level: 'watch', raisedOn: '2026-09-10' }),
			concern({ _id: 'concern:new', level: 'urgent', raisedOn: '2026-11-19' }),
			concern({ _id: 'concern:old', level: 'urgent', raisedOn: '2026-10-01' })
		];
		expect(list.sort(concernOrder).map((c) => c._id)).toEqual([
			'concern:old',
			'concern:new',
			'concern:watch',
			'concern:closed'
		]);
		expect(openConcernsBySchool(list)).toEqual(new Map([['oakfield', 3]]));
	});
});
