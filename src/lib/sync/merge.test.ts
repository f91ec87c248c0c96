import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choiceKey, type EditStamp, type PendingChoice } from '$lib/domain/changes';
import { learningWalk, visit } from '../../../tests/unit/fixtures';
import { compareRevs, foldLeaves, merge3, UNKNOWN_STAMP, type Doc } from './merge';

const laptop: EditStamp = {
	by: 'sil',
	device: 'Firefox on Windows, signed in 20 Nov',
	at: '2026-11-25T09:00:00.000Z'
};
const tablet: EditStamp = {
	by: 'sil',
	device: 'Safari on iPad, signed in 21 Nov',
	at: '2026-11-25T09:05:00.000Z'
};

const area = (id: string, name: string, evidence = '') => ({
	id,
	area: name,
	evidence,
	strengths: '',
	development: ''
});

/** A booklet as the editors of issue 12 store it: discussion areas carry ids. */
function booklet(overrides: Record<string, unknown> = {}): Doc {
	return {
		...visit(),
		_rev: '3-aaa',
		discussion: [area('k-reading', 'Reading', 'Book looks')],
		...overrides
	} as unknown as Doc;
}

const choicesOf = (doc: Doc) => (doc.choices ?? []) as PendingChoice[];

describe('merge3 on what people do', () => {
	it('keeps the areas two devices added offline, with their evidence, and asks nothing', () => {
		const base = booklet();
		const a = booklet({
			_rev: '4-laptop',
			discussion: [area('k-reading', 'Reading', 'Book looks'), area('k-maths', 'Maths', 'Books')],
			edit: laptop
		});
		const b = booklet({
			_rev: '4-tablet',
			discussion: [
				area('k-reading', 'Reading', 'Book looks'),
				area('k-att', 'Attendance', 'Registers')
			],
			edit: tablet
		});
		const { doc, added } = merge3(base, a, b);
		expect(
			(doc.discussion as { area: string; evidence: string }[]).map((d) => [d.area, d.evidence])
		).toEqual([
			['Reading', 'Book looks'],
			// a's addition goes after its nearest preceding item that survives.
			['Maths', 'Books'],
			['Attendance', 'Registers']
		]);
		expect(added).toEqual([]);
		expect(doc.choices).toBeUndefined();
		// The later stamp says who touched the record last.
		expect(doc.edit).toEqual(tablet);
	});

	it('takes the focus from one device and the SI days from the other', () => {
		const base = booklet();
		const a = booklet({ focus: 'Reading across the curriculum', edit: laptop });
		const b = booklet({ daysUsed: 0.5, edit: tablet });
		const { doc, added } = merge3(base, a, b);
		expect(doc.focus).toBe('Reading across the curriculum');
		expect(doc.daysUsed).toBe(0.5);
		expect(added).toEqual([]);
	});

	it('takes the kind of visit from one device and the focus from the other, on a record written before kinds', () => {
		// The base has no kind (a termly visit, as every record before issue 15).
		const base = booklet();
		const a = booklet({ visitType: 'send', edit: laptop });
		const b = booklet({ focus: 'Provision for pupils with SEND', edit: tablet });
		const { doc, added } = merge3(base, a, b);
		expect(doc.visitType).toBe('send');
		expect(doc.focus).toBe('Provision for pupils with SEND');
		expect(added).toEqual([]);
	});

	it('asks once when the kind of visit was chosen differently on both devices', () => {
		const base = booklet({ visitType: 'termly' });
		const a = booklet({ visitType: 'send', edit: laptop });
		const b = booklet({ visitType: 'peer', edit: tablet });
		const { doc, added } = merge3(base, a, b);
		expect(added).toEqual([
			{
				path: ['visitType'],
				base: 'termly',
				baseKnown: true,
				options: [
					{ value: 'send', ...laptop },
					{ value: 'peer', ...tablet }
				]
			}
		]);
		// One value in the record, the first option's, until the visitor chooses.
		expect(doc.visitType).toBe('send');
	});

	it('keeps two administrators’ counting of different kinds of visit', () => {
		const settings = (counting: Record<string, boolean>, edit?: EditStamp) =>
			({
				_id: 'settings',
				_rev: '2-s',
				type: 'trust-settings',
				name: 'Riverside Learning Trust',
				siDaysCounting: counting,
				...(edit ? { edit } : {})
			}) as unknown as Doc;
		const { doc, added } = merge3(
			settings({ peer: false }),
			settings({ peer: true }, laptop),
			settings({ peer: false, send: false }, tablet)
		);
		expect(doc.siDaysCounting).toEqual({ peer: true, send: false });
		expect(added).toEqual([]);
	});

	it('offers both texts, and the one they started from, when the focus changed differently on both', () => {
		const base = booklet();
		const a = booklet({ focus: 'Phonics in key stage 1', edit: laptop });
		const b = booklet({ focus: 'Attendance of disadvantaged pupils', edit: tablet });
		const { doc, added } = merge3(base, a, b);
		const expected: PendingChoice = {
			path: ['focus'],
			base: 'Joint activities linked to school priorities',
			baseKnown: true,
			options: [
				{ value: 'Phonics in key stage 1', ...laptop },
				{ value: 'Attendance of disadvantaged pupils', ...tablet }
			]
		};
		expect(added).toEqual([expected]);
		expect(choicesOf(doc)).toEqual([expected]);
		// The record holds the first option's text until a person chooses.
		expect(doc.focus).toBe('Phonics in key stage 1');
	});

	it('asks only about the area whose evidence both changed, by its key', () => {
		const base = booklet();
		const a = booklet({ discussion: [area('k-reading', 'Reading', 'Book looks, year 2')] });
		const b = booklet({ discussion: [area('k-reading', 'Reading', 'Pupil voice')] });
		const { doc, added } = merge3(base, a, b, { stampA: laptop, stampB: tablet });
		expect(added.map((c) => c.path)).toEqual([['discussion', 'k-reading', 'evidence']]);
		expect((doc.discussion as { area: string }[])[0]!.area).toBe('Reading');
	});

	it('keeps an area removed on one device while its evidence was being written on the other', () => {
		const base = booklet();
		const a = booklet({ discussion: [] });
		const b = booklet({ discussion: [area('k-reading', 'Reading', 'Book looks and pupil voice')] });
		const { doc, added } = merge3(base, a, b);
		expect(doc.discussion).toEqual([area('k-reading', 'Reading', 'Book looks and pupil voice')]);
		expect(added).toEqual([]);
		// The other way round too.
		expect(merge3(base, b, a).doc.discussion).toEqual(b.discussion);
	});

	it('removes an area removed on one device and untouched on the other', () => {
		const base = booklet({ discussion: [area('k-reading', 'Reading'), area('k-maths', 'Maths')] });
		const a = booklet({ discussion: [area('k-maths', 'Maths')] });
		const b = booklet({
			discussion: [area('k-reading', 'Reading'), area('k-maths', 'Maths')],
			focus: 'New'
		});
		const { doc } = merge3(base, a, b);
		expect(doc.discussion).toEqual([area('k-maths', 'Maths')]);
		expect(doc.focus).toBe('New');
	});

	it('takes a status changed on one side only, like any field', () => {
		const base = booklet({ status: 'draft' });
		const { doc, added } = merge3(
			base,
			booklet({ status: 'shared' }),
			booklet({ status: 'draft', focus: 'x' })
		);
		expect(doc.status).toBe('shared');
		expect(added).toEqual([]);
	});

	it('merges attainment cells figure by figure', () => {
		const base = { _id: 'att', cells: { 'ks2:rwm:exp': { pct: 60 } } } as Doc;
		const a = { _id: 'att', cells: { 'ks2:rwm:exp': { pct: 61 } } } as Doc;
		const b = {
			_id: 'att',
			cells: { 'ks2:rwm:exp': { pct: 60 }, 'ks1:phonics:exp': { pct: 80 } }
		} as Doc;
		expect(merge3(base, a, b).doc.cells).toEqual({
			'ks1:phonics:exp': { pct: 80 },
			'ks2:rwm:exp': { pct: 61 }
		});
	});

	it('without the ancestor, keeps both versions of every field that differs and unions lists', () => {
		const a = booklet({ focus: 'Phonics', discussion: [area('k-maths', 'Maths')] });
		const b = booklet({ focus: 'Attendance', discussion: [area('k-att', 'Attendance')] });
		const { doc, added } = merge3(null, a, b, { stampA: laptop, stampB: tablet });
		expect(added).toEqual([
			{
				path: ['focus'],
				baseKnown: false,
				options: [
					{ value: 'Phonics', ...laptop },
					{ value: 'Attendance', ...tablet }
				]
			}
		]);
		expect((doc.discussion as { id: string }[]).map((d) => d.id)).toEqual(['k-maths', 'k-att']);
	});

	it('adds a third text to a waiting choice without repeating a text it already offers', () => {
		const base = booklet();
		const first = merge3(
			base,
			booklet({ focus: 'One', edit: laptop }),
			booklet({ focus: 'Two', edit: tablet })
		).doc;
		const third: EditStamp = {
			...tablet,
			device: 'Chrome on Android',
			at: '2026-11-25T10:00:00.000Z'
		};
		const { doc, added } = merge3(base, first, booklet({ focus: 'Three', edit: third }));
		expect(added).toEqual([]);
		expect(choicesOf(doc)).toHaveLength(1);
		expect(choicesOf(doc)[0]!.options.map((o) => o.value)).toEqual(['One', 'Two', 'Three']);
		const again = merge3(base, doc, booklet({ focus: 'Two', edit: tablet })).doc;
		expect(choicesOf(again)[0]!.options.map((o) => o.value)).toEqual(['One', 'Two', 'Three']);
	});

	it('drops a choice settled on one device and left alone on the other', () => {
		const base = booklet();
		const waiting = merge3(base, booklet({ focus: 'One' }), booklet({ focus: 'Two' })).doc;
		const settled = { ...waiting, focus: 'One and two', choices: [] } as Doc;
		const elsewhere = { ...waiting, daysUsed: 2 } as Doc;
		const { doc, added } = merge3(waiting, settled, elsewhere);
		expect(doc.focus).toBe('One and two');
		expect(doc.daysUsed).toBe(2);
		expect(choicesOf(doc)).toEqual([]);
		expect(added).toEqual([]);
	});

	it('takes the preferred side without asking, and never changes a kept field', () => {
		const base = booklet();
		const a = booklet({ focus: 'Typing', daysUsed: 1 });
		const b = booklet({ focus: 'Other', daysUsed: 2 });
		expect(merge3(base, a, b, { prefer: 'a' }).doc.focus).toBe('Typing');
		expect(merge3(base, a, b, { prefer: 'b' }).added).toEqual([]);
		// The person has not typed in "focus" yet: the form still must not move it under the cursor.
		const kept = merge3(base, booklet(), b, { keep: [['focus']] }).doc;
		expect(kept.focus).toBe(base.focus);
		expect(kept.daysUsed).toBe(2);
		const inItem = merge3(
			base,
			booklet(),
			booklet({ discussion: [area('k-reading', 'Reading', 'New')], focus: 'F' }),
			{ keep: [['discussion', 'k-reading', 'evidence']] }
		).doc;
		expect((inItem.discussion as { evidence: string }[])[0]!.evidence).toBe('Book looks');
		expect(inItem.focus).toBe('F');
	});

	it('treats bookkeeping as bookkeeping: later revision and time, union of photos', () => {
		const base = booklet({ _attachments: { 'p1.jpg': { digest: 'md5-1', stub: true } } });
		const a = booklet({
			_rev: '5-x',
			updatedAt: '2026-11-25T09:00:00.000Z',
			_attachments: {
				'p1.jpg': { digest: 'md5-1', stub: true },
				'p2.jpg': { digest: 'md5-2', stub: true }
			}
		});
		const b = booklet({
			_rev: '4-y',
			updatedAt: '2026-11-25T10:00:00.000Z',
			_conflicts: ['4-z'],
			_revisions: { start: 4, ids: ['y'] }
		});
		const { doc, added } = merge3(base, a, b);
		expect(doc._rev).toBe('5-x');
		expect(doc.updatedAt).toBe('2026-11-25T10:00:00.000Z');
		expect(Object.keys(doc._attachments as object)).toEqual(['p2.jpg']);
		expect(doc._conflicts).toBeUndefined();
		expect(doc._revisions).toBeUndefined();
		expect(added).toEqual([]);
	});

	it('stamps an unknown author when a side carries none', () => {
		const { added } = merge3(booklet(), booklet({ focus: 'x' }), booklet({ focus: 'y' }));
		expect(added[0]!.options.map((o) => o.by)).toEqual([UNKNOWN_STAMP.by, UNKNOWN_STAMP.by]);
	});

	it('orders revisions as CouchDB picks its winner', () => {
		expect(['2-b', '10-a', '2-c', '3-a'].sort(compareRevs)).toEqual(['10-a', '3-a', '2-c', '2-b']);
	});
});

// ---------------------------------------------------------------------------------------------
// Properties, over records shaped like a visit: text, numbers, a nullable choice, a status, a
// keyed list of areas, a set of look-fors and a record of figures, each side edited at random.

const text = fc.oneof(
	fc.constantFrom('', 'Reading', 'Maths', 'Phonics', 'x'),
	fc.string({ maxLength: 4 })
);
const itemId = fc.constantFrom('i0', 'i1', 'i2', 'i3', 'i4', 'i5');
const look = fc.constantFrom('Vocabulary', 'Feedback', 'Behaviour', 'SEND', 'Reading');
const cellKey = fc.constantFrom('ks1:ph', 'ks2:rwm', 'ks2:maths', 'ks4:eng');

type Edit =
	| { kind: 'field'; field: 'focus'; value: string }
	| { kind: 'field'; field: 'daysUsed'; value: number }
	| { kind: 'field'; field: 'safeguarding'; value: 'met' | 'not-met' | null }
	| { kind: 'field'; field: 'status'; value: 'planned' | 'draft' | 'shared' }
	| { kind: 'addItem'; id: string; area: string; evidence: string; at: number }
	| { kind: 'removeItem'; at: number }
	| { kind: 'itemField'; at: number; field: 'area' | 'evidence'; value: string }
	| { kind: 'moveItem'; at: number; to: number }
	| { kind: 'addLook'; value: string }
	| { kind: 'removeLook'; at: number }
	| { kind: 'cell'; key: string; pct: number | null };

const edit: fc.Arbitrary<Edit> = fc.oneof(
	fc.record({
		kind: fc.constant('field' as const),
		field: fc.constant('focus' as const),
		value: text
	}),
	fc.record({
		kind: fc.constant('field' as const),
		field: fc.constant('daysUsed' as const),
		value: fc.constantFrom(0, 0.25, 0.5, 1, 2)
	}),
	fc.record({
		kind: fc.constant('field' as const),
		field: fc.constant('safeguarding' as const),
		value: fc.constantFrom('met' as const, 'not-met' as const, null)
	}),
	fc.record({
		kind: fc.constant('field' as const),
		field: fc.constant('status' as const),
		value: fc.constantFrom('planned' as const, 'draft' as const, 'shared' as const)
	}),
	fc.record({
		kind: fc.constant('addItem' as const),
		id: itemId,
		area: text,
		evidence: text,
		at: fc.nat(6)
	}),
	fc.record({ kind: fc.constant('removeItem' as const), at: fc.nat(6) }),
	fc.record({
		kind: fc.constant('itemField' as const),
		at: fc.nat(6),
		field: fc.constantFrom('area' as const, 'evidence' as const),
		value: text
	}),
	fc.record({ kind: fc.constant('moveItem' as const), at: fc.nat(6), to: fc.nat(6) }),
	fc.record({ kind: fc.constant('addLook' as const), value: look }),
	fc.record({ kind: fc.constant('removeLook' as const), at: fc.nat(6) }),
	fc.record({ kind: fc.constant('cell' as const), key: cellKey, pct: fc.option(fc.nat(100)) })
);

type Area = { id: string; area: string; evidence: string };

export function applyEdits(doc: Doc, edits: Edit[]): Doc {
	const out = structuredClone(doc) as Doc & {
		discussion: Area[];
		lookFors: string[];
		cells: Record<string, { pct: number }>;
	};
	for (const e of edits) {
		const list = out.discussion;
		const i = list.length > 0 && 'at' in e ? e.at % list.length : -1;
		switch (e.kind) {
			case 'field':
				out[e.field] = e.value;
				break;
			case 'addItem':
				if (!list.some((x) => x.id === e.id))
					list.splice(e.at % (list.length + 1), 0, {
						id: e.id,
						area: e.area,
						evidence: e.evidence
					});
				break;
			case 'removeItem':
				if (i >= 0) list.splice(i, 1);
				break;
			case 'itemField':
				if (i >= 0) list[i] = { ...list[i]!, [e.field]: e.value };
				break;
			case 'moveItem':
				if (i >= 0) list.splice(e.to % list.length, 0, ...list.splice(i, 1));
				break;
			case 'addLook':
				if (!out.lookFors.includes(e.value)) out.lookFors.push(e.value);
				break;
			case 'removeLook':
				if (out.lookFors.length > 0) out.lookFors.splice(e.at % out.lookFors.length, 1);
				break;
			case 'cell':
				if (e.pct === null) delete out.cells[e.key];
				else out.cells[e.key] = { pct: e.pct };
				break;
		}
	}
	return out;
}

export const baseRecord: fc.Arbitrary<Doc> = fc
	.record({
		focus: text,
		daysUsed: fc.constantFrom(0, 0.5, 1),
		safeguarding: fc.constantFrom('met' as const, 'not-met' as const, null),
		status: fc.constantFrom('planned' as const, 'draft' as const),
		discussion: fc.uniqueArray(fc.record({ id: itemId, area: text, evidence: text }), {
			selector: (x) => x.id,
			maxLength: 4
		}),
		lookFors: fc.uniqueArray(look, { maxLength: 3 }),
		cells: fc.dictionary(cellKey, fc.record({ pct: fc.nat(100) }), { maxKeys: 3 })
	})
	.map((r) => ({ _id: 'visit:1', _rev: '1-base', type: 'visit', schemaVersion: 1, ...r }));

const edits = fc.array(edit, { maxLength: 6 });

const BOOKKEEPING = ['choices', 'edit', 'updatedAt', 'schemaVersion'];

/** Every leaf of a record: item keys in the path, a set's member as `[list, member] = true`. */
export function leaves(v: unknown, path: string[] = [], out = new Map<string, unknown>()) {
	if (Array.isArray(v)) {
		for (const item of v) {
			if (typeof item === 'string') out.set(JSON.stringify([...path, item]), true);
			else leaves(item, [...path, (item as { id: string }).id], out);
		}
	} else if (typeof v === 'object' && v !== null) {
		for (const [k, x] of Object.entries(v))
			if (!k.startsWith('_') && !BOOKKEEPING.includes(k)) leaves(x, [...path, k], out);
	} else out.set(JSON.stringify(path), v);
	return out;
}

/** The values a side saved: its leaves that differ from the ancestor's. */
export function changed(base: Doc, side: Doc): [string[], unknown][] {
	const before = leaves(base);
	return [...leaves(side)]
		.filter(([p, v]) => !before.has(p) || JSON.stringify(before.get(p)) !== JSON.stringify(v))
		.map(([p, v]) => [JSON.parse(p) as string[], v]);
}

/** Is this value in the record at its place, or offered by a choice waiting for a person? */
export function kept(doc: Doc, path: string[], value: unknown): boolean {
	const same = (x: unknown) => JSON.stringify(x) === JSON.stringify(value);
	if (same(leaves(doc).get(JSON.stringify(path)))) return true;
	return choicesOf(doc).some(
		(c) =>
			c.path.every((p, i) => path[i] === p) &&
			c.options.some((o) => {
				const rest = path.slice(c.path.length);
				const inOption = rest.length === 0 ? o.value : leaves(o.value).get(JSON.stringify(rest));
				return same(inOption);
			})
	);
}

describe('merge3 properties', () => {
	it('merging a side with itself gives that side and asks nothing', () => {
		fc.assert(
			fc.property(baseRecord, edits, (base, ea) => {
				const a = applyEdits(base, ea);
				const { doc, added } = merge3(base, a, a);
				expect(added).toEqual([]);
				expect(doc).toEqual(a);
			}),
			{ numRuns: 300 }
		);
	});

	it('a side that changed nothing takes the other side whole', () => {
		fc.assert(
			fc.property(baseRecord, edits, (base, eb) => {
				const b = { ...applyEdits(base, eb), _rev: '2-b' };
				expect(merge3(base, base, b).doc).toEqual(b);
				expect(merge3(base, b, base).doc).toEqual(b);
			}),
			{ numRuns: 300 }
		);
	});

	it('loses nothing: every value either side saved is in the record or offered in a choice', () => {
		fc.assert(
			fc.property(baseRecord, edits, edits, fc.boolean(), (base, ea, eb, ancestorGone) => {
				const a = { ...applyEdits(base, ea), _rev: '2-a' };
				const b = { ...applyEdits(base, eb), _rev: '2-b' };
				const { doc } = merge3(ancestorGone ? null : base, a, b);
				for (const side of [a, b])
					for (const [path, value] of changed(base, side))
						expect(kept(doc, path, value), `${path.join('.')} = ${JSON.stringify(value)}`).toBe(
							true
						);
				// Every choice offers what both sides hold, each value once, the record holding the first.
				for (const c of choicesOf(doc)) {
					const values = c.options.map((o) => JSON.stringify(o.value));
					expect(new Set(values).size).toBe(values.length);
				}
			}),
			{ numRuns: 500 }
		);
	});

	it('is deterministic, and keeps the order of keys', () => {
		fc.assert(
			fc.property(baseRecord, edits, edits, (base, ea, eb) => {
				const a = { ...applyEdits(base, ea), _rev: '2-a', edit: laptop };
				const b = { ...applyEdits(base, eb), _rev: '2-b', edit: tablet };
				const once = merge3(base, a, b);
				const twice = merge3(structuredClone(base), structuredClone(a), structuredClone(b));
				expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
				// Keys keep the order they had, so the role rules (which compare JSON text) see no change
				// in a value that did not change.
				const order = Object.keys(once.doc).filter((k) => k in a);
				expect(order).toEqual(Object.keys(a).filter((k) => k in once.doc));
			}),
			{ numRuns: 300 }
		);
	});

	it('folds three conflicting leaves to one result whatever order they are read in, losing nothing', () => {
		fc.assert(
			fc.property(
				baseRecord,
				fc.tuple(edits, edits, edits),
				fc.tuple(fc.nat(2), fc.nat(1)),
				fc.constantFrom('a', 'b', 'c'),
				(base, [e1, e2, e3], [i, j], hashFirst) => {
					const stamps = [laptop, tablet, { ...tablet, device: 'Chrome on Android' }];
					const hashes = ['a', 'b', 'c'].map((h) => (h === hashFirst ? 'z' : h));
					const leafs = [e1, e2, e3].map(
						(e, n) => ({ ...applyEdits(base, e), _rev: `2-${hashes[n]}`, edit: stamps[n] }) as Doc
					);
					const ancestor = () => base;
					const one = foldLeaves(leafs, ancestor);
					const rest = [...leafs];
					const seen = [rest.splice(i, 1)[0]!, rest.splice(j % rest.length, 1)[0]!, ...rest];
					expect(JSON.stringify(foldLeaves(seen, ancestor))).toBe(JSON.stringify(one));
					for (const leaf of leafs)
						for (const [path, value] of changed(base, leaf))
							expect(
								kept(one.doc, path, value),
								`${path.join('.')} = ${JSON.stringify(value)}`
							).toBe(true);
					expect(one.doc._rev).toBe('2-z');
				}
			),
			{ numRuns: 300 }
		);
	});

	it('keeps every choice keyed once when merged again with itself or its ancestor', () => {
		fc.assert(
			fc.property(baseRecord, edits, edits, edits, (base, ea, eb, ec) => {
				const a = applyEdits(base, ea);
				const b = applyEdits(base, eb);
				const first = merge3(base, a, b).doc;
				const c = applyEdits(base, ec);
				const { doc } = merge3(base, first, c);
				const keys = choicesOf(doc).map((x) => choiceKey(x.path));
				expect(new Set(keys).size).toBe(keys.length);
				for (const side of [a, b, c])
					for (const [path, value] of changed(base, side))
						expect(kept(doc, path, value)).toBe(true);
			}),
			{ numRuns: 300 }
		);
	});
});

describe('texts two devices only added to', () => {
	const evidenceOf = (doc: Doc) =>
		(doc.discussion as { evidence: string }[] | undefined)?.[0]?.evidence;
	const withEvidence = (evidence: string, edit: EditStamp, rev: string) =>
		booklet({ _rev: rev, edit, discussion: [area('k-reading', 'Reading', evidence)] });

	it('joins a sentence added on the laptop and one added on the tablet, in the order written, and asks nothing', () => {
		const base = withEvidence('Book looks in Year 4.', laptop, '3-aaa');
		const onTablet = withEvidence(
			'Book looks in Year 4. Pupils read aloud fluently.',
			tablet,
			'4-bbb'
		);
		const onLaptop = withEvidence(
			'Book looks in Year 4. Phonics records up to date.',
			laptop,
			'4-ccc'
		);
		for (const [a, b] of [
			[onTablet, onLaptop],
			[onLaptop, onTablet]
		] as const) {
			const { doc, added } = merge3(base, a, b, { joinTexts: true });
			expect(evidenceOf(doc)).toBe(
				'Book looks in Year 4. Phonics records up to date. Pupils read aloud fluently.'
			);
			expect(added).toEqual([]);
			expect(choicesOf(doc)).toEqual([]);
		}
		// Without the option (a form's own save), the same two texts are a choice, as before.
		expect(merge3(base, onTablet, onLaptop).added).toHaveLength(1);
	});

	it('keeps codes and single words a choice, and text changed other than at its end', () => {
		const base = withEvidence('Book looks', laptop, '3-aaa');
		const grade = (g: string, edit: EditStamp, rev: string) =>
			booklet({ _rev: rev, edit, gradeId: g });
		expect(
			merge3(grade('g1', laptop, '3-a'), grade('g10', laptop, '4-b'), grade('g11', tablet, '4-c'), {
				joinTexts: true
			}).added
		).toHaveLength(1);
		const words = merge3(
			base,
			withEvidence('Book lookss', tablet, '4-b'),
			withEvidence('Book looks!', laptop, '4-c'),
			{ joinTexts: true }
		);
		expect(words.added).toHaveLength(1);
		const rewritten = merge3(
			base,
			withEvidence('Books looked at. And more.', tablet, '4-b'),
			withEvidence('Book looks. Pupils read.', laptop, '4-c'),
			{ joinTexts: true }
		);
		expect(rewritten.added).toHaveLength(1);
	});

	it('puts a new line between additions to text written in lines', () => {
		const base = withEvidence('Strengths:\n- reading', laptop, '3-aaa');
		const { doc } = merge3(
			base,
			withEvidence('Strengths:\n- reading\n- maths fluency', tablet, '4-b'),
			withEvidence('Strengths:\n- reading\n- early writing', laptop, '4-c'),
			{ joinTexts: true }
		);
		expect(evidenceOf(doc)).toBe('Strengths:\n- reading\n- early writing\n- maths fluency');
	});

	const prose = fc
		.array(fc.constantFrom('read', 'maths', 'Year 4', 'books', ' ', '. ', '\n', ','), {
			minLength: 1,
			maxLength: 6
		})
		.map((parts) => parts.join(''));
	const stamp = fc.record({
		by: fc.constantFrom('sil', 'ceo'),
		device: fc.constantFrom('laptop', 'tablet'),
		at: fc.constantFrom('2026-11-25T09:00:00.000Z', '2026-11-25T09:05:00.000Z')
	});

	it('every character both devices typed is kept, the base first, the same whichever side leads', () => {
		fc.assert(
			fc.property(prose, prose, prose, stamp, stamp, (start, x, y, sx, sy) => {
				const base = withEvidence(start, laptop, '3-aaa');
				const a = withEvidence(start + x, sx, '4-bbb');
				const b = withEvidence(start + y, sy, '4-ccc');
				const ab = merge3(base, a, b, { joinTexts: true });
				const ba = merge3(base, b, a, { joinTexts: true });
				const [ta, tb] = [start + x, start + y];
				const additions = /\s/.test(x) && /\s/.test(y);
				// Two additions of prose, neither taking up the other: always joined.
				if (additions && !ta.startsWith(tb) && !tb.startsWith(ta)) expect(ab.added).toEqual([]);
				expect(ab.added.length).toBe(ba.added.length);
				if (ab.added.length > 0) {
					// Not joined: a choice holding both, as before.
					const values = ab.added[0]!.options.map((o) => o.value);
					expect(values).toEqual(expect.arrayContaining([start + x, start + y]));
					return;
				}
				// Joined: both orders of the same two versions write the same text.
				const text = evidenceOf(ab.doc)!;
				expect(evidenceOf(ba.doc)).toBe(text);
				expect(text.startsWith(start)).toBe(true);
				// Nothing typed is lost: each version's addition is in the text.
				if (x !== y) {
					expect(text).toContain(x.trim());
					expect(text).toContain(y.trim());
				}
				expect(text.length).toBeGreaterThanOrEqual(
					Math.max(start.length + x.length, start.length + y.length)
				);
			})
		);
	});

	it('folds three devices’ additions into one text on every device, asking nothing', () => {
		const base = withEvidence('Book looks.', laptop, '3-aaa');
		const phone: EditStamp = {
			...laptop,
			device: 'Chrome on Android',
			at: '2026-11-25T09:10:00.000Z'
		};
		const leaves = [
			withEvidence('Book looks. Handwriting improving.', laptop, '4-a'),
			withEvidence('Book looks. Pupils read aloud.', tablet, '4-b'),
			withEvidence('Book looks. Reading corner new.', phone, '4-c')
		];
		const texts = new Set(
			[leaves, [...leaves].reverse(), [leaves[1]!, leaves[2]!, leaves[0]!]].map((order) => {
				const { doc, added } = foldLeaves(order, () => base, { joinTexts: true });
				expect(added).toEqual([]);
				return evidenceOf(doc);
			})
		);
		expect([...texts]).toHaveLength(1);
		const [text] = texts;
		for (const s of ['Handwriting improving.', 'Pupils read aloud.', 'Reading corner new.'])
			expect(text).toContain(s);
	});
});

describe('captions of a learning walk’s photos, by the photo’s name', () => {
	const P1 = 'photo-1-aaaaaa.jpg';
	const P2 = 'photo-2-bbbbbb.jpg';
	const room = learningWalk().rooms[0]!;
	/** The walk with these captions in room r1 (none: a walk recorded before captions). */
	const walk = (captions?: Record<string, string>, edit?: EditStamp, rev = '3-aaa') =>
		({
			...learningWalk({ rooms: [{ ...room, ...(captions ? { captions } : {}) }] }),
			_rev: rev,
			...(edit ? { edit } : {})
		}) as unknown as Doc;
	const captionsOf = (doc: Doc) =>
		(doc.rooms as { captions?: Record<string, string> }[])[0]!.captions;

	it('keeps a caption typed on one device and another photo’s typed on the other, asking nothing', () => {
		const base = walk();
		const onLaptop = walk({ [P1]: 'Year 5 working wall' }, laptop, '4-bbb');
		const onTablet = walk({ [P2]: 'Display of persuasive letters' }, tablet, '4-ccc');
		for (const [a, b] of [
			[onLaptop, onTablet],
			[onTablet, onLaptop]
		] as const) {
			const { doc, added } = merge3(base, a, b, { joinTexts: true });
			expect(captionsOf(doc)).toEqual({
				[P1]: 'Year 5 working wall',
				[P2]: 'Display of persuasive letters'
			});
			expect(added).toEqual([]);
		}
	});

	it('asks about one photo’s caption changed differently on both, by its name, and joins additions', () => {
		const base = walk({ [P1]: 'Working wall', [P2]: 'Books' }, laptop);
		const onLaptop = walk({ [P1]: 'Year 5 working wall', [P2]: 'Books' }, laptop, '4-bbb');
		const onTablet = walk({ [P1]: 'Maths working wall', [P2]: 'Books' }, tablet, '4-ccc');
		const { doc, added } = merge3(base, onLaptop, onTablet, { joinTexts: true });
		expect(added.map((c) => c.path)).toEqual([['rooms', 'r1', 'captions', P1]]);
		expect(added[0]!.options.map((o) => o.value)).toEqual([
			'Year 5 working wall',
			'Maths working wall'
		]);
		expect(captionsOf(doc)![P2]).toBe('Books');
		// Both only added prose to it: joined, as any text field's additions are.
		const added1 = walk({ [P1]: 'Working wall, with fractions', [P2]: 'Books' }, laptop, '4-d');
		const added2 = walk({ [P1]: 'Working wall in Year 5', [P2]: 'Books' }, tablet, '4-e');
		const joined = merge3(base, added1, added2, { joinTexts: true });
		expect(joined.added).toEqual([]);
		expect(captionsOf(joined.doc)![P1]).toContain('fractions');
		expect(captionsOf(joined.doc)![P1]).toContain('in Year 5');
	});
});
