import { describe, expect, it } from 'vitest';
import { lateAddendum, lateChanges } from './late-changes';
import type { Doc } from './merge';

const confirmed: Doc = {
	_id: 'visit:1',
	_rev: '3-a',
	type: 'visit',
	status: 'confirmed',
	confirmation: { by: 'head.oakfield', at: '2026-11-25T08:00:00.000Z', comment: '' },
	focus: 'Reading',
	discussion: [
		{ id: 'a1', area: 'Reading', evidence: 'Book looks' },
		{ id: 'a2', area: 'Maths', evidence: 'Books' }
	],
	lookFors: ['Modelling', 'Questioning'],
	addenda: []
};

describe('changes that arrive after a record was confirmed', () => {
	it('names each changed place by key, and what was removed, ignoring who shared and confirmed', () => {
		const later: Doc = {
			...confirmed,
			_rev: '3-b',
			status: 'shared',
			confirmation: undefined,
			edit: { by: 'sil', device: 'iPad', at: '2026-11-25T08:30:00.000Z' },
			discussion: [{ id: 'a1', area: 'Reading', evidence: 'Book looks, reading ladder' }],
			lookFors: ['Modelling', 'Questioning', 'Vocabulary']
		};
		expect(lateChanges(confirmed, later)).toEqual([
			{ path: ['discussion', 'a1', 'evidence'], value: 'Book looks, reading ladder' },
			{ path: ['discussion', 'a2'], value: undefined },
			{ path: ['lookFors', 'Vocabulary'], value: 'Vocabulary' }
		]);
		const addendum = lateAddendum(confirmed, later, 'sil', '2026-11-25T08:30:00.000Z', 'late-b');
		expect(addendum?.text.split('\n')).toEqual([
			'Changed on another device before the headteacher’s confirmation reached it (not part of what was confirmed):',
			'• discussion › a1 › evidence: Book looks, reading ladder',
			'• discussion › a2: removed',
			'• lookFors › Vocabulary: Vocabulary'
		]);
	});

	it('makes no addendum when only the sharing and bookkeeping differ', () => {
		const later = { ...confirmed, _rev: '3-b', status: 'shared', updatedAt: 'x', choices: [] };
		expect(lateAddendum(confirmed, later, 'sil', '2026-11-25T08:30:00.000Z', 'late-b')).toBeNull();
	});
});
