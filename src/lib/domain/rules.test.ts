import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	admin,
	ceo,
	head,
	learningWalk,
	nextStep,
	otherHead,
	progress,
	sil,
	visit
} from '../../../tests/unit/fixtures';
import { schoolOfDb } from './databases';
import { canAccessDb, securityFor } from './roles';
import { LearningWalk, photoCaption } from './visit';
import { validateDocUpdate } from './rules';

const DB = 'school-oakfield';

describe('who may open which database', () => {
	it('gives heads their own school only, SILs their assigned schools, the CEO all', () => {
		expect(canAccessDb(head, DB)).toBe(true);
		expect(canAccessDb(otherHead, DB)).toBe(false);
		expect(canAccessDb(sil, DB)).toBe(true);
		expect(canAccessDb(sil, 'school-ash')).toBe(false);
		expect(canAccessDb(ceo, 'school-ash')).toBe(true);
		expect(canAccessDb(head, 'trust')).toBe(true);
		expect(canAccessDb({ name: null, roles: [] }, 'trust')).toBe(false);
		expect(canAccessDb(head, '_users')).toBe(false);
		expect(canAccessDb(admin, '_users')).toBe(true);
	});

	it('writes the same rule as CouchDB _security members', () => {
		expect(securityFor(DB).members.roles).toEqual(['ceo', 'school:oakfield']);
		expect(securityFor('trust').members.roles).toEqual(['sil', 'head', 'ceo']);
	});
});

describe('validate_doc_update', () => {
	it('refuses an invalid document, saying what to put right as the form names the field', () => {
		const bad = { ...nextStep(), action: '' };
		const verdict = validateDocUpdate(bad, null, sil, DB);
		expect(verdict).toEqual({
			ok: false,
			error: 'forbidden',
			reason: 'Invalid next-step: Say what the next step is.'
		});
	});

	it('refuses unknown types, wrong databases and another school’s documents', () => {
		expect(validateDocUpdate({ _id: 'x', type: 'pupil' }, null, admin, DB)).toMatchObject({
			ok: false,
			reason: 'Unknown document type "pupil".'
		});
		expect(validateDocUpdate(nextStep(), null, sil, 'trust')).toMatchObject({ ok: false });
		expect(validateDocUpdate(nextStep({ schoolId: 'ash' }), null, sil, DB)).toMatchObject({
			ok: false,
			reason: 'This document is for another school than oakfield.'
		});
	});

	it('lets a head add progress updates in their own name, never rewrite a next step', () => {
		expect(validateDocUpdate(progress(), null, head, DB).ok).toBe(true);
		expect(validateDocUpdate(progress({ by: 'someone.else' }), null, head, DB).ok).toBe(false);
		expect(validateDocUpdate(progress(), progress(), head, DB).ok).toBe(false);
		const step = nextStep();
		expect(validateDocUpdate({ ...step, action: 'Rewritten' }, step, head, DB).ok).toBe(false);
	});

	it('requires evidence to mark a next step done', () => {
		expect(validateDocUpdate(progress({ status: 'done' }), null, head, DB)).toMatchObject({
			ok: false,
			reason:
				'Invalid progress-update: evidence: marking a next step done needs a short note of the evidence.'
		});
		expect(
			validateDocUpdate(progress({ status: 'done', evidence: 'Lesson visits' }), null, head, DB).ok
		).toBe(true);
		// Marking done from in progress still needs it.
		const marking = progress({ status: 'done', statusBefore: 'in-progress' });
		expect(validateDocUpdate(marking, null, head, DB).ok).toBe(false);
	});

	it('takes a later note on a step already done without evidence: it marks nothing done', () => {
		const note = progress({ status: 'done', statusBefore: 'done', note: 'Still in place' });
		expect(validateDocUpdate(note, null, head, DB).ok).toBe(true);
	});

	it('lets a head confirm a shared visit record but change nothing else', () => {
		const shared = visit();
		const confirmed = {
			...shared,
			status: 'confirmed' as const,
			confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00Z', comment: 'Agreed' }
		};
		expect(validateDocUpdate(confirmed, shared, head, DB).ok).toBe(true);
		expect(validateDocUpdate({ ...confirmed, focus: 'Changed' }, shared, head, DB).ok).toBe(false);
		expect(validateDocUpdate(confirmed, visit({ status: 'draft' }), head, DB).ok).toBe(false);
		expect(validateDocUpdate(confirmed, shared, sil, DB).ok).toBe(false);
		// With the next steps the head had before them, which their confirmation agrees.
		const naming = (steps: string[]) => ({
			...confirmed,
			confirmation: { ...confirmed.confirmation, steps }
		});
		expect(validateDocUpdate(naming(['next-step:2026-27:a']), shared, head, DB).ok).toBe(true);
		const many = Array.from({ length: 501 }, (_, i) => `next-step:2026-27:${i}`);
		expect(validateDocUpdate(naming(many), shared, head, DB).ok).toBe(false);
	});

	it('locks a confirmed record: the visitor may only add an addendum', () => {
		const confirmed = visit({
			status: 'confirmed',
			confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00Z', comment: '' }
		});
		const edited = { ...confirmed, focus: 'Quietly changed' };
		expect(validateDocUpdate(edited, confirmed, sil, DB)).toMatchObject({
			ok: false,
			reason: 'This record was confirmed by the headteacher: add an addendum instead.'
		});
		const addendum = {
			...confirmed,
			addenda: [{ by: 'sil', at: '2026-11-25T10:00:00Z', text: 'Data since validated' }]
		};
		expect(validateDocUpdate(addendum, confirmed, sil, DB).ok).toBe(true);
	});

	it('lets the visitor settle the choices a confirmed record holds, changing nothing it says', () => {
		const option = (value: string, device: string) => ({
			value,
			by: 'sil',
			device,
			at: '2026-11-20T10:00:00Z'
		});
		const choice = (field: string) => ({
			path: [field],
			baseKnown: false,
			options: [option('Reading', 'Laptop'), option('Reading and phonics', 'Tablet')]
		});
		const confirmed = visit({
			status: 'confirmed',
			confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00Z', comment: '' },
			focus: 'Reading',
			choices: [choice('focus'), choice('summary')]
		});
		const addendum = {
			id: 'a1',
			by: 'sil',
			at: '2026-11-25T10:00:00Z',
			text: 'Reading and phonics'
		};
		const [first, second] = confirmed.choices ?? [];
		// The other version kept as an addendum, or left out: the choice goes, the record stays.
		expect(
			validateDocUpdate(
				{ ...confirmed, choices: [second], addenda: [addendum] },
				confirmed,
				sil,
				DB
			).ok
		).toBe(true);
		const { choices: _all, ...none } = confirmed;
		expect(validateDocUpdate(none, { ...confirmed, choices: [first] }, sil, DB).ok).toBe(true);
		// Never the record's text, a choice rewritten or added, nor by the head.
		const refused = [
			{ ...confirmed, choices: [second], focus: 'Reading and phonics' },
			{
				...confirmed,
				choices: [{ ...first, options: [option('x', 'Laptop'), option('y', 'Tablet')] }]
			},
			{ ...confirmed, choices: [first, second, choice('aims')] }
		];
		for (const doc of refused) {
			expect(validateDocUpdate(doc, confirmed, sil, DB)).toMatchObject({
				ok: false,
				reason: 'This record was confirmed by the headteacher: add an addendum instead.'
			});
		}
		expect(validateDocUpdate({ ...confirmed, choices: [second] }, confirmed, head, DB).ok).toBe(
			false
		);
	});

	it('lets the visitor end their own refused version of a record confirmed meanwhile', () => {
		const current = {
			...visit({
				status: 'confirmed',
				confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00Z', comment: '' }
			}),
			_rev: '3-win'
		};
		// The visitor's edit of the draft, refused by the trust, has reached the record as an
		// addendum; the settling ends that version with a tombstone.
		const tombstone = {
			_id: current._id,
			_rev: '3-tomb',
			_deleted: true,
			_revisions: { start: 3, ids: ['tomb', 'lose', 'base'] }
		};
		expect(validateDocUpdate(tombstone, current, sil, DB).ok).toBe(true);
		// Not the record itself, and not for someone who may not add an addendum to it.
		const through = { ...tombstone, _revisions: { start: 4, ids: ['tomb', 'win'] } };
		expect(validateDocUpdate(through, current, sil, DB).ok).toBe(false);
		expect(validateDocUpdate(tombstone, current, otherHead, DB).ok).toBe(false);
	});

	it('lets no one but the head confirm, and no one change who the visitor is', () => {
		const shared = visit({ shared: { by: 'sil', at: '2026-11-20T16:00:00Z' } });
		const forged = {
			...shared,
			confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00Z', comment: 'I agree' }
		};
		expect(validateDocUpdate(forged, shared, sil, DB)).toMatchObject({
			ok: false,
			reason: 'Only the headteacher confirms a record.'
		});
		expect(validateDocUpdate(forged, null, sil, DB).ok).toBe(false);
		expect(validateDocUpdate({ ...shared, visitor: 'sil.two' }, shared, sil, DB)).toMatchObject({
			ok: false,
			reason: 'The visitor of a record cannot be changed.'
		});
		const draft = visit({ status: 'draft' });
		const sharedAsSomeoneElse = {
			...draft,
			status: 'shared' as const,
			shared: { by: 'ceo', at: '2026-11-20T16:00:00Z' }
		};
		expect(validateDocUpdate(sharedAsSomeoneElse, draft, sil, DB)).toMatchObject({
			ok: false,
			reason: 'A record is shared in the name of the visitor who shares it.'
		});
		const sharedBySil = {
			...sharedAsSomeoneElse,
			shared: { by: 'sil', at: '2026-11-20T16:00:00Z' }
		};
		expect(validateDocUpdate(sharedBySil, draft, sil, DB).ok).toBe(true);
		// Taken back to draft before the head confirms: the stamp goes.
		const { shared: _stamp, ...unshared } = { ...sharedBySil, status: 'draft' as const };
		expect(validateDocUpdate(unshared, sharedBySil, sil, DB).ok).toBe(true);
		// An addendum signed by someone else, or an earlier one rewritten, is refused.
		const confirmed = visit({
			status: 'confirmed',
			confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00Z', comment: '' },
			addenda: [{ id: 'add1', by: 'sil', at: '2026-11-22T10:00:00Z', text: 'First' }]
		});
		const signedAsHead = {
			...confirmed,
			addenda: [
				...confirmed.addenda,
				{ by: 'head.oakfield', at: '2026-11-25T10:00:00Z', text: 'x' }
			]
		};
		expect(validateDocUpdate(signedAsHead, confirmed, sil, DB).ok).toBe(false);
		const rewritten = {
			...confirmed,
			addenda: [
				{ by: 'sil', at: '2026-11-22T10:00:00Z', text: 'First, rewritten' },
				{ by: 'sil', at: '2026-11-25T10:00:00Z', text: 'Second' }
			]
		};
		expect(validateDocUpdate(rewritten, confirmed, sil, DB).ok).toBe(false);
	});

	it('accepts the edit stamp of a merge naming another person, on a confirmation and an addendum', () => {
		const shared = visit({ edit: { by: 'sil', device: 'Laptop', at: '2026-11-20T16:00:00Z' } });
		const confirmed = {
			...shared,
			status: 'confirmed' as const,
			confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00Z', comment: 'Agreed' },
			edit: { by: 'head.oakfield', device: 'Phone', at: '2026-11-21T09:00:00Z' }
		};
		expect(validateDocUpdate(confirmed, shared, head, DB).ok).toBe(true);
		const addendum = {
			...confirmed,
			addenda: [{ by: 'sil', at: '2026-11-25T10:00:00Z', text: 'Data since validated' }],
			// The device merged the head's later revision in: its stamp names the head.
			edit: { by: 'head.oakfield', device: 'Phone', at: '2026-11-25T10:00:00Z' }
		};
		expect(validateDocUpdate(addendum, confirmed, sil, DB).ok).toBe(true);
	});

	it('keeps a confirmed record’s attachments as they were', () => {
		const confirmed = {
			...visit({
				status: 'confirmed',
				confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00Z', comment: '' }
			}),
			_attachments: { 'board.jpg': { stub: true, digest: 'md5-aaa', content_type: 'image/jpeg' } }
		};
		const withAddendum = (atts: unknown) => ({
			...confirmed,
			_attachments: atts,
			addenda: [{ by: 'sil', at: '2026-11-25T10:00:00Z', text: 'Photo added' }]
		});
		expect(validateDocUpdate(withAddendum(confirmed._attachments), confirmed, sil, DB).ok).toBe(
			true
		);
		const replaced = { 'board.jpg': { stub: true, digest: 'md5-bbb', content_type: 'image/jpeg' } };
		expect(validateDocUpdate(withAddendum(replaced), confirmed, sil, DB).ok).toBe(false);
		const added = { ...confirmed._attachments, 'new.jpg': { stub: true, digest: 'md5-ccc' } };
		expect(validateDocUpdate(withAddendum(added), confirmed, sil, DB).ok).toBe(false);
	});

	it('takes deletions as bare tombstones only', () => {
		const tombstone = { _id: 'p', _deleted: true };
		expect(validateDocUpdate(tombstone, null, head, DB).ok).toBe(true);
		expect(validateDocUpdate({ ...progress(), _deleted: true }, null, head, DB)).toMatchObject({
			ok: false,
			reason: 'A deletion carries no content: send only _id, _rev and _deleted.'
		});
		// An automatic merge's tombstone names the revision it went into, and nothing else.
		const folded = { _id: 'p', _deleted: true, mergedInto: `3-${'a'.repeat(32)}` };
		expect(validateDocUpdate(folded, null, head, DB).ok).toBe(true);
		expect(validateDocUpdate({ ...folded, mergedInto: 'anything' }, null, head, DB).ok).toBe(false);
		expect(validateDocUpdate({ ...folded, note: 'x' }, null, head, DB).ok).toBe(false);
	});

	it('keeps who recorded a next step', () => {
		const step = nextStep();
		expect(validateDocUpdate({ ...step, action: 'Sharper' }, step, sil, DB).ok).toBe(true);
		expect(validateDocUpdate({ ...step, createdBy: 'head.oakfield' }, step, sil, DB)).toMatchObject(
			{
				ok: false,
				reason: 'Who recorded a next step, and when, cannot be changed.'
			}
		);
	});

	it('keeps design documents and trust data for administrators', () => {
		const ddoc = { _id: '_design/rules', validate_doc_update: 'function(){}' };
		expect(validateDocUpdate(ddoc, null, ceo, DB).ok).toBe(false);
		expect(validateDocUpdate(ddoc, null, admin, DB).ok).toBe(true);
		expect(validateDocUpdate({ _id: 'settings', _deleted: true }, null, ceo, 'trust').ok).toBe(
			false
		);
	});

	it('never lets a shared record or a progress update be deleted by a visitor', () => {
		const del = { _id: 'visit:2026-27:t2:v1', _deleted: true };
		expect(validateDocUpdate(del, visit(), sil, DB).ok).toBe(false);
		expect(validateDocUpdate(del, visit({ status: 'draft' }), sil, DB).ok).toBe(true);
		expect(validateDocUpdate({ _id: 'p', _deleted: true }, progress(), sil, DB).ok).toBe(false);
		expect(validateDocUpdate(del, visit({ status: 'draft' }), head, DB).ok).toBe(false);
	});

	it('lets the visitor remove a losing version of a shared record, but never the record itself', () => {
		const current = { ...visit(), _rev: '3-win' };
		// A conflict settled by merging: the other version (2-lose) is ended by a tombstone.
		const direct = { _id: current._id, _rev: '2-lose', _deleted: true };
		const replicated = {
			_id: current._id,
			_rev: '3-tomb',
			_deleted: true,
			_revisions: { start: 3, ids: ['tomb', 'lose', 'base'] }
		};
		expect(validateDocUpdate(direct, current, sil, DB).ok).toBe(true);
		expect(validateDocUpdate(replicated, current, sil, DB).ok).toBe(true);
		// A head may not, as they may not change the record.
		expect(validateDocUpdate(replicated, current, head, DB).ok).toBe(false);
		// Ending the current version, directly or through a made-up revision, is removing it.
		expect(validateDocUpdate({ ...direct, _rev: '3-win' }, current, sil, DB).ok).toBe(false);
		const through = { ...replicated, _revisions: { start: 5, ids: ['tomb', 'fake', 'win'] } };
		expect(validateDocUpdate(through, current, sil, DB).ok).toBe(false);
		// CouchDB hands validate_doc_update a new edit whose history starts at the revision it
		// replaces: a head deleting the current version is removing the record there too.
		const onCouch = { ...direct, _rev: '3-win', _revisions: { start: 3, ids: ['win', 'base'] } };
		expect(validateDocUpdate(onCouch, current, head, DB)).toMatchObject({
			ok: false,
			reason: 'Only the visitor may remove a record.'
		});
	});
});

describe('what a learning walk’s photo shows', () => {
	const room = learningWalk().rooms[0]!;
	const captioned = (captions: Record<string, string>) =>
		learningWalk({ rooms: [{ ...room, captions }] });

	it('takes a caption per photo from the visitor, up to 120 characters, and refuses a longer one', () => {
		const walk = captioned({ 'photo-1-aaaaaa.jpg': 'Year 5 working wall' });
		expect(validateDocUpdate(walk, learningWalk(), sil, DB)).toEqual({ ok: true });
		const long = captioned({ 'photo-1-aaaaaa.jpg': 'x'.repeat(121) });
		expect(validateDocUpdate(long, learningWalk(), sil, DB)).toMatchObject({ ok: false });
		expect(validateDocUpdate(walk, learningWalk(), head, DB)).toMatchObject({ ok: false });
	});

	it('reads a walk recorded before captions, whose photos then have none', () => {
		const old = learningWalk();
		expect(LearningWalk.parse(old).rooms[0]!.captions).toBeUndefined();
		expect(photoCaption(LearningWalk.parse(old).rooms[0]!, 'photo-1-aaaaaa.jpg')).toBe('');
	});

	it('keeps a caption as typed and shows it trimmed; one of spaces only is no caption', () => {
		const typing = captioned({
			'photo-1-aaaaaa.jpg': ' Year 5 working wall ',
			'photo-2-bbbbbb.jpg': '  '
		});
		const parsed = LearningWalk.parse(typing).rooms[0]!;
		// Stored as typed: the box being typed in must match the record, trailing space and all.
		expect(parsed.captions?.['photo-1-aaaaaa.jpg']).toBe(' Year 5 working wall ');
		expect(photoCaption(parsed, 'photo-1-aaaaaa.jpg')).toBe('Year 5 working wall');
		expect(photoCaption(parsed, 'photo-2-bbbbbb.jpg')).toBe('');
	});
});

describe('a head who is also a school improvement lead', () => {
	// Head of Oakfield (named by `head:oakfield`) and SIL of Ash.
	const exec = {
		name: 'exec',
		roles: ['head', 'sil', 'head:oakfield', 'school:oakfield', 'school:ash']
	};
	const at = '2026-11-21T09:00:00Z';
	const sharedIn = (schoolId: string) =>
		visit({ schoolId, shared: { by: 'sil', at: '2026-11-20T16:00:00Z' } });
	const confirmedBy = (v: ReturnType<typeof visit>, by: string) => ({
		...v,
		status: 'confirmed' as const,
		confirmation: { by, at, comment: '' }
	});

	it('is the head of the school they lead: confirms its records, replies to its steps', () => {
		const shared = sharedIn('oakfield');
		expect(validateDocUpdate(confirmedBy(shared, 'exec'), shared, exec, DB).ok).toBe(true);
		const step = nextStep();
		const replied = { ...step, headReply: { agrees: true, reason: '', by: 'exec', at } };
		expect(validateDocUpdate(replied, step, exec, DB).ok).toBe(true);
		// ...and never its visitor: no one reviews their own school.
		expect(validateDocUpdate(nextStep({ createdBy: 'exec' }), null, exec, DB).ok).toBe(false);
		expect(
			validateDocUpdate(visit({ visitor: 'exec', status: 'draft' }), null, exec, DB)
		).toMatchObject({
			ok: false,
			reason: 'Only the visitor who made this record may change it.'
		});
	});

	it('is a visitor, never the head, in a school they support', () => {
		const ASH = 'school-ash';
		const shared = sharedIn('ash');
		expect(validateDocUpdate(confirmedBy(shared, 'exec'), shared, exec, ASH).ok).toBe(false);
		const step = nextStep({ schoolId: 'ash' });
		const replied = { ...step, headReply: { agrees: true, reason: '', by: 'exec', at } };
		expect(validateDocUpdate(replied, step, exec, ASH)).toMatchObject({
			ok: false,
			reason: 'Only the headteacher agrees or disagrees with a next step.'
		});
		const own = visit({ schoolId: 'ash', visitor: 'exec', status: 'draft' });
		expect(validateDocUpdate(own, null, exec, ASH).ok).toBe(true);
	});

	it('confirms nowhere while their roles do not say which school they lead', () => {
		// An account from before `head:<id>`: holding both roles, it once could confirm any record
		// another visitor had shared in any of its schools.
		const unnamed = { name: 'exec', roles: ['head', 'sil', 'school:oakfield', 'school:ash'] };
		const shared = sharedIn('oakfield');
		expect(validateDocUpdate(confirmedBy(shared, 'exec'), shared, unnamed, DB)).toMatchObject({
			ok: false,
			reason: 'Only the visitor who made this record may change it.'
		});
		// A head of two schools who leads one of them replies only to that one's steps.
		const partner = {
			name: 'h',
			roles: ['head', 'head:oakfield', 'school:oakfield', 'school:ash']
		};
		const step = nextStep({ schoolId: 'ash' });
		const replied = { ...step, headReply: { agrees: true, reason: '', by: 'h', at } };
		expect(validateDocUpdate(replied, step, partner, 'school-ash').ok).toBe(false);
		expect(
			validateDocUpdate(
				{ ...replied, schoolId: 'oakfield' },
				{ ...step, schoolId: 'oakfield' },
				partner,
				DB
			).ok
		).toBe(true);
	});
});

describe('removing a record', () => {
	const tomb = (id: string) => ({ _id: id, _deleted: true });
	const other = { name: 'sil.two', roles: ['sil', 'school:oakfield'] };

	it('is for the visitor who recorded it, never another lead of the school', () => {
		const draft = visit({ status: 'draft' });
		expect(validateDocUpdate(tomb(draft._id), draft, sil, DB).ok).toBe(true);
		expect(validateDocUpdate(tomb(draft._id), draft, other, DB)).toMatchObject({
			ok: false,
			reason: 'Only the visitor who recorded it may remove it.'
		});
		const step = nextStep();
		expect(validateDocUpdate(tomb(step._id), step, sil, DB).ok).toBe(true);
		expect(validateDocUpdate(tomb(step._id), step, other, DB).ok).toBe(false);
	});

	it('never takes a school’s figures', () => {
		const booklet = { _id: 'attainment:2026-27', type: 'attainment-booklet', schoolId: 'oakfield' };
		expect(validateDocUpdate(tomb(booklet._id), booklet, sil, DB)).toMatchObject({
			ok: false,
			reason: 'Attainment figures and copies sent to governors are never removed.'
		});
	});
});

describe('attainment figures', () => {
	const booklet = {
		_id: 'attainment:2026-27',
		schemaVersion: 1,
		type: 'attainment-booklet',
		schoolId: 'oakfield',
		year: '2026-27',
		cells: {},
		nationals: {},
		updatedAt: '2026-11-23T10:00:00Z',
		updatedBy: 'sil'
	};

	it('are entered by the SIL, and by heads only when the trust allows it', () => {
		expect(validateDocUpdate(booklet, null, sil, DB)).toEqual({ ok: true });
		expect(validateDocUpdate(booklet, null, head, DB)).toMatchObject({
			ok: false,
			reason: 'The trust has not asked headteachers to enter figures: send them to your SIL.'
		});
		expect(validateDocUpdate(booklet, null, head, DB, { headsMayEnterFigures: true }).ok).toBe(
			true
		);
		expect(validateDocUpdate(booklet, null, ceo, DB).ok).toBe(false);
	});

	it('keep a snapshot only by a SIL, in their own name', () => {
		const snapshot = {
			term: 1,
			visitId: 'visit:2026-27:t1:v1',
			visitDate: '2026-09-24',
			takenAt: '2026-09-24T15:00:00Z',
			takenBy: 'sil',
			cells: {},
			nationals: {}
		};
		const kept = { ...booklet, snapshots: { t1: snapshot } };
		expect(validateDocUpdate(kept, booklet, sil, DB)).toEqual({ ok: true });
		expect(
			validateDocUpdate(
				{ ...booklet, snapshots: { t1: { ...snapshot, takenBy: 'someone' } } },
				booklet,
				sil,
				DB
			)
		).toMatchObject({ ok: false, reason: 'A snapshot of the figures is kept in your own name.' });
		// A head the trust lets enter figures still cannot keep, change or remove a snapshot...
		const opts = { headsMayEnterFigures: true };
		expect(validateDocUpdate(kept, booklet, head, DB, opts)).toMatchObject({
			ok: false,
			reason: 'Only a school improvement lead keeps a snapshot of the figures.'
		});
		expect(validateDocUpdate(booklet, kept, head, DB, opts).ok).toBe(false);
		// ...but may change figures, leaving the snapshot as it was.
		const edited = { ...kept, cells: { 'ks2-rwm-exs:all:autumn': { cohort: 30, count: 20 } } };
		expect(validateDocUpdate(edited, kept, head, DB, opts)).toEqual({ ok: true });
	});
});

describe('copies of the summary sent to governors', () => {
	const copy = {
		_id: 'governors-copy:2026-27:a',
		schemaVersion: 1,
		type: 'governors-copy',
		schoolId: 'oakfield',
		year: '2026-27',
		term: 1,
		sentOn: '2026-10-26',
		to: 'Chair of governors',
		by: 'sil',
		at: '2026-10-26T09:00:00Z'
	};

	it('are recorded in your own name, never changed, and say to whom', () => {
		expect(validateDocUpdate(copy, null, sil, DB)).toEqual({ ok: true });
		expect(validateDocUpdate({ ...copy, by: 'head.oakfield' }, null, head, DB)).toEqual({
			ok: true
		});
		expect(validateDocUpdate(copy, null, head, DB)).toMatchObject({
			ok: false,
			reason: 'A copy sent must be recorded in your own name.'
		});
		expect(validateDocUpdate({ ...copy, to: 'Someone else' }, copy, sil, DB)).toMatchObject({
			ok: false,
			reason: 'A copy sent to governors cannot be changed; record a new one.'
		});
		expect(validateDocUpdate({ ...copy, to: ' ' }, null, sil, DB).ok).toBe(false);
	});
});

describe('the chair of governors and the copies sent to them', () => {
	const governor = { name: 'chair.oakfield', roles: ['governor', 'governor:oakfield'] };
	const GOV = 'governors-oakfield';
	const summary = {
		_id: 'governors-summary:2026-27:a',
		schemaVersion: 1,
		type: 'governors-summary',
		schoolId: 'oakfield',
		schoolName: 'Oakfield Primary',
		year: '2026-27',
		term: 3,
		sentOn: '2027-02-12',
		by: 'sil',
		byName: 'James Whitfield',
		at: '2027-02-12T09:00:00Z',
		photosInPrint: false,
		report: {
			title: 'Summary of school improvement visits',
			subject: 'Oakfield Primary',
			trustName: 'Demo Trust',
			termLabel: 'Spring 1, 2026-27',
			generatedOn: '2027-02-12',
			landscape: false,
			fileName: 'oakfield-governors-2026-27-t3',
			sections: [
				{
					heading: 'Visits',
					blocks: [
						{ kind: 'paragraph', text: 'Two visits this term.' },
						{ kind: 'table', caption: 'Visits', columns: ['Date'], widths: [1], rows: [['1 Feb']] }
					]
				}
			]
		}
	};

	it('gives a governor their school’s copies and nothing else: not its records, the trust or concerns', () => {
		expect(canAccessDb(governor, GOV)).toBe(true);
		expect(canAccessDb(governor, 'governors-ash')).toBe(false);
		expect(canAccessDb(governor, DB)).toBe(false);
		expect(canAccessDb(governor, 'trust')).toBe(false);
		expect(canAccessDb(governor, 'concerns')).toBe(false);
		// Those who send the copies may write them there; another school's head may not.
		expect(canAccessDb(sil, GOV)).toBe(true);
		expect(canAccessDb(head, GOV)).toBe(true);
		expect(canAccessDb(ceo, GOV)).toBe(true);
		expect(canAccessDb(otherHead, GOV)).toBe(false);
		expect(securityFor(GOV).members.roles).toEqual(['ceo', 'school:oakfield', 'governor:oakfield']);
	});

	it('are written by the SIL, the head or the CEO in their own name, and never changed', () => {
		expect(validateDocUpdate(summary, null, sil, GOV)).toEqual({ ok: true });
		expect(validateDocUpdate({ ...summary, by: 'ceo' }, null, ceo, GOV)).toEqual({ ok: true });
		expect(validateDocUpdate(summary, null, head, GOV)).toMatchObject({
			ok: false,
			reason: 'A copy sent must be in your own name.'
		});
		expect(validateDocUpdate({ ...summary, term: 4 }, summary, sil, GOV)).toMatchObject({
			ok: false,
			reason: 'A copy sent to governors cannot be changed; send a new one.'
		});
		// Only in the governors' database, and only for its school.
		expect(validateDocUpdate(summary, null, sil, DB).ok).toBe(false);
		expect(validateDocUpdate(summary, null, sil, 'governors-ash').ok).toBe(false);
	});

	it('are never written by the governor: no copy, no deletion, no other record', () => {
		const refused = {
			ok: false,
			reason: 'The chair of governors reads the copies sent; only those who send them write.'
		};
		expect(validateDocUpdate({ ...summary, by: governor.name }, null, governor, GOV)).toMatchObject(
			refused
		);
		expect(
			validateDocUpdate({ _id: summary._id, _deleted: true }, summary, governor, GOV)
		).toMatchObject(refused);
		expect(
			validateDocUpdate({ _id: 'made-up', _deleted: true }, null, governor, GOV)
		).toMatchObject(refused);
	});

	it('of a closed school: none is sent any more, and the governor still reads those sent', () => {
		// The server reads whether the school closed for its governors' copies as for its records.
		expect(schoolOfDb(GOV)).toBe('oakfield');
		expect(schoolOfDb(DB)).toBe('oakfield');
		expect(schoolOfDb('trust')).toBeNull();
		expect(schoolOfDb('concerns')).toBeNull();
		const closed = { schoolClosed: true };
		expect(validateDocUpdate(summary, null, sil, GOV, closed)).toMatchObject({
			ok: false,
			reason: 'This school has closed: its records are kept read-only.'
		});
		expect(validateDocUpdate({ ...summary, by: 'ceo' }, null, ceo, GOV, closed).ok).toBe(false);
		expect(
			validateDocUpdate({ _id: summary._id, _deleted: true }, summary, sil, GOV, closed)
		).toMatchObject({
			ok: false,
			reason: 'This school has closed: its records are kept read-only.'
		});
		expect(canAccessDb(governor, GOV)).toBe(true);
	});
});

describe('full names written on records', () => {
	it('are accepted on every stamp, and a record without them still passes', () => {
		const draft = visit({ status: 'draft' });
		expect(validateDocUpdate(draft, null, sil, DB).ok).toBe(true);
		const named = { ...draft, visitorName: 'James Whitfield' };
		expect(validateDocUpdate(named, null, sil, DB).ok).toBe(true);
		const shared = {
			...named,
			status: 'shared' as const,
			shared: { by: 'sil', name: 'James Whitfield', at: '2026-11-20T16:00:00Z' }
		};
		expect(validateDocUpdate(shared, named, sil, DB).ok).toBe(true);
		const confirmed = {
			...shared,
			status: 'confirmed' as const,
			confirmation: {
				by: 'head.oakfield',
				name: 'Sarah Thompson',
				at: '2026-11-21T09:00:00Z',
				comment: ''
			}
		};
		expect(validateDocUpdate(confirmed, shared, head, DB).ok).toBe(true);
		expect(validateDocUpdate(progress({ byName: 'Sarah Thompson' }), null, head, DB).ok).toBe(true);
	});

	it('keep the visitor’s name once written: it may be added to an older record, never changed', () => {
		const older = visit({ status: 'draft' });
		const named = { ...older, visitorName: 'James Whitfield' };
		expect(validateDocUpdate(named, older, sil, DB).ok).toBe(true);
		for (const changed of [
			{ ...named, visitorName: 'Someone Else' },
			{ ...older, visitorName: undefined }
		]) {
			expect(validateDocUpdate(changed, named, sil, DB)).toMatchObject({
				ok: false,
				reason: 'The visitor of a record cannot be changed.'
			});
		}
		const step = nextStep({ createdByName: 'James Whitfield' });
		expect(
			validateDocUpdate({ ...step, createdByName: 'Someone Else' }, step, sil, DB)
		).toMatchObject({
			ok: false,
			reason: 'Who recorded a next step, and when, cannot be changed.'
		});
	});

	it('must be names: an empty one is refused', () => {
		const draft = { ...visit({ status: 'draft' }), visitorName: ' ' };
		expect(validateDocUpdate(draft, null, sil, DB).ok).toBe(false);
	});
});

describe('a school’s details', () => {
	const oakfield = {
		_id: 'school:oakfield',
		_rev: '1-a',
		schemaVersion: 1,
		type: 'school',
		id: 'oakfield',
		name: 'Oakfeild Primary School',
		urn: '149002',
		phase: 'primary',
		category: '2a',
		strand: 'preventative'
	};
	const corrected = {
		...oakfield,
		name: 'Oakfield Primary School',
		urn: '149012',
		phase: 'all-through',
		headteacher: 'Mrs J. Patel'
	};

	it('are corrected by a trust administrator', () => {
		expect(validateDocUpdate(corrected, oakfield, admin, 'trust')).toEqual({ ok: true });
		const { urn: _urn, ...noUrn } = corrected;
		expect(validateDocUpdate(noUrn, oakfield, admin, 'trust')).toEqual({ ok: true });
	});

	it('are not changed by anyone else, the school’s own head included', () => {
		for (const user of [ceo, sil, head]) {
			expect(validateDocUpdate(corrected, oakfield, user, 'trust')).toMatchObject({
				ok: false,
				reason: 'Only a trust administrator may change trust settings.'
			});
		}
	});

	it('never include a new id: the records stay where they are', () => {
		expect(
			validateDocUpdate({ ...corrected, id: 'oakfield-primary' }, oakfield, admin, 'trust')
		).toMatchObject({ ok: false });
		expect(
			validateDocUpdate({ ...corrected, urn: '14900' }, oakfield, admin, 'trust')
		).toMatchObject({ ok: false });
	});
});

describe('settling the choices of a confirmed record (property)', () => {
	const FIELDS = ['focus', 'summary', 'aims', 'notes', 'other', 'extra'];
	const confirmedWith = (n: number) =>
		visit({
			status: 'confirmed',
			confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00Z', comment: '' },
			focus: 'Reading',
			choices: FIELDS.slice(0, n).map((field) => ({
				path: [field],
				baseKnown: false,
				options: [
					{ value: 'Reading', by: 'sil', device: 'Laptop', at: '2026-11-20T10:00:00Z' },
					{
						value: `${field} on the tablet`,
						by: 'sil',
						device: 'Tablet',
						at: '2026-11-20T10:01:00Z'
					}
				]
			}))
		});
	const addendum = (i: number) => ({
		id: `add${i}`,
		by: 'sil',
		at: '2026-11-25T10:00:00Z',
		text: `Version ${i}`
	});

	it('lets the visitor remove any of its choices with any addenda, and nothing more', () => {
		fc.assert(
			fc.property(
				fc
					.integer({ min: 1, max: FIELDS.length })
					.chain((n) =>
						fc.tuple(fc.constant(n), fc.subarray([...Array(n).keys()]), fc.nat({ max: 3 }))
					),
				fc.constantFrom('none', 'focus', 'status', 'choice', 'rewritten'),
				([n, kept, added], tamper) => {
					const old = confirmedWith(n);
					const choices = (old.choices ?? []).filter((_, i) => kept.includes(i));
					const next: Record<string, unknown> & { _id: string } = {
						...old,
						addenda: Array.from({ length: added }, (_, i) => addendum(i))
					};
					if (choices.length > 0) next.choices = choices;
					else delete next.choices;
					if (tamper === 'focus') next.focus = 'Reading on the tablet';
					if (tamper === 'status') next.status = 'shared';
					// A choice added, or one kept but rewritten.
					const fresh = { ...(old.choices ?? [])[0]!, path: ['tampered'] };
					if (tamper === 'choice') next.choices = [...choices, fresh];
					if (tamper === 'rewritten') {
						next.choices = (old.choices ?? []).map((c) => ({ ...c, baseKnown: true }));
					}
					const changes = kept.length < n || added > 0;
					const expected = tamper === 'none' && changes;
					expect(validateDocUpdate(next, old, sil, DB).ok).toBe(expected);
					// The head never settles them: they confirmed what the record says.
					if (choices.length < n) expect(validateDocUpdate(next, old, head, DB).ok).toBe(false);
				}
			)
		);
	});
});
