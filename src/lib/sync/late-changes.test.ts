import { describe, expect, it } from 'vitest';
import { ADDENDUM_MAX, lateAddenda, lateChanges } from './late-changes';
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
		const addenda = lateAddenda(confirmed, later, 'sil', '2026-11-25T08:30:00.000Z', 'late-b');
		expect(addenda).toHaveLength(1);
		expect(addenda[0]!.text.split('\n')).toEqual([
			'Changed before the headteacher’s confirmation reached the device it was typed on (not part of what was confirmed):',
			'• discussion › a1 › evidence: Book looks, reading ladder',
			'• discussion › a2: removed',
			'• lookFors › Vocabulary: Vocabulary'
		]);
	});

	it('makes no addendum when only the sharing and bookkeeping differ', () => {
		const later = { ...confirmed, _rev: '3-b', status: 'shared', updatedAt: 'x', choices: [] };
		expect(lateAddenda(confirmed, later, 'sil', '2026-11-25T08:30:00.000Z', 'late-b')).toEqual([]);
	});

	it('keeps every word of changes too long for one addendum, in parts that each fit', () => {
		const long = (seed: string, n: number) =>
			Array.from({ length: n }, (_, i) => `${seed} ${i}.`).join(' ');
		const later: Doc = {
			...confirmed,
			_rev: '3-b',
			discussion: [
				{ id: 'a1', area: 'Reading', evidence: long('Reading evidence', 1200) },
				{ id: 'a2', area: 'Maths', evidence: long('Maths evidence', 900) }
			]
		};
		const addenda = lateAddenda(confirmed, later, 'sil', '2026-11-25T08:30:00.000Z', 'late-b');
		expect(addenda.length).toBeGreaterThan(2);
		for (const [k, a] of addenda.entries()) {
			expect(a.text.length).toBeLessThanOrEqual(ADDENDUM_MAX);
			expect(a.text).toContain(`(part ${k + 1} of ${addenda.length})`);
			expect(a.by).toBe('sil');
		}
		expect(new Set(addenda.map((a) => a.id)).size).toBe(addenda.length);
		// Put back together, the parts hold every change whole.
		const body = addenda.map((a) => a.text.split('\n').slice(1).join('\n')).join('');
		expect(body.replace(/\n/g, '')).toContain(long('Reading evidence', 1200));
		expect(body.replace(/\n/g, '')).toContain(long('Maths evidence', 900));
	});
});
