import { describe, expect, it } from 'vitest';
import {
	admin,
	ceo,
	head,
	nextStep,
	otherHead,
	progress,
	sil,
	visit
} from '../../../tests/unit/fixtures';
import { canAccessDb, securityFor } from './roles';
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
	it('refuses an invalid document with the field and the reason', () => {
		const bad = { ...nextStep(), action: '' };
		const verdict = validateDocUpdate(bad, null, sil, DB);
		expect(verdict).toEqual({
			ok: false,
			error: 'forbidden',
			reason: 'Invalid next-step: action: the next step needs words.'
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
});
