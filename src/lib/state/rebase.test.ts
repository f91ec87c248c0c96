import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRAMEWORK_PRESETS, VISIT_TYPES, type FieldPath, type PendingChoice } from '$lib/domain';
import { valueAt } from '$lib/db/names';
import { merge3, type Doc } from '$lib/sync/merge';
import { learningWalk } from '../../../tests/unit/fixtures';
import { takeInAtFocus } from './rebase';

// An open form takes in a revision from elsewhere while the focus is on one of its controls
// (RecordForm.#takeIn): a box keeps the person's text, a select or tick box is not kept.

const FIELDS = ['visitType', 'evaluations', 'documents', 'focus'] as const;

/** A record with one of each kind of control: a select, a select in an item, a tick box, a box. */
interface Values {
	visitType: string;
	grade: string | null;
	seen: boolean;
	focus: string;
}
const record = (v: Values, rev: string): Doc => ({
	_id: 'visit:2026-27:t2:v1',
	_rev: rev,
	visitType: v.visitType,
	evaluations: [
		{ areaId: 'achievement', gradeId: v.grade, comment: '' },
		{ areaId: 'inclusion', gradeId: null, comment: '' }
	],
	documents: [{ label: 'SEF', seen: v.seen }],
	focus: v.focus
});

const grades = [null, ...FRAMEWORK_PRESETS.flatMap((f) => f.scale.map((g) => g.id))];
const values: fc.Arbitrary<Values> = fc.record({
	visitType: fc.constantFrom(...VISIT_TYPES),
	grade: fc.constantFrom(...grades),
	seen: fc.boolean(),
	focus: fc.constantFrom('', 'Reading', 'Reading in year 2', 'Maths')
});
/** Each control, whether it is picked (a select or tick box) or typed. */
const controls: { path: FieldPath; pick: boolean }[] = [
	{ path: ['visitType'], pick: true },
	{ path: ['evaluations', 'achievement', 'gradeId'], pick: true },
	{ path: ['documents', 'SEF', 'seen'], pick: true },
	{ path: ['focus'], pick: false }
];

/** The form opened on `old`, changed to `draft`, takes in `incoming` with the focus on `control`. */
function takeInWithFocus(old: Doc, draft: Doc, incoming: Doc, control: (typeof controls)[number]) {
	const next = takeInAtFocus(old, draft, incoming, FIELDS, control);
	return { next, news: next.news, at: (doc: unknown) => valueAt(doc, control.path) };
}

describe('a select or tick box with the focus, changed elsewhere', () => {
	it('shows the value from elsewhere and says so, unless the person changed it; then keeps theirs, and its save asks which to keep', () => {
		fc.assert(
			fc.property(
				values,
				values,
				values,
				fc.constantFrom(...controls.filter((c) => c.pick)),
				(o, d, i, control) => {
					const old = record(o, '2-a');
					const draft = record(d, '2-a');
					const incoming = record(i, '3-b');
					const { next, news, at } = takeInWithFocus(old, draft, incoming, control);
					const [mine, theirs, before] = [at(draft), at(incoming), at(old)];
					const changedByPerson = mine !== before;
					// Nothing the person picked is lost; what they did not change shows the new value.
					expect(at(next.draft)).toEqual(changedByPerson ? mine : theirs);
					expect(news).toBe(
						theirs === before || theirs === mine ? null : changedByPerson ? 'both' : 'now'
					);
					// The save that follows (as RecordForm's: joining texts) writes what is shown, and asks
					// for a choice exactly when both changed it differently, offering both values.
					const saved = merge3(next.base, { ...incoming, ...next.draft }, incoming, {
						joinTexts: true
					});
					expect(valueAt(saved.doc, control.path)).toEqual(at(next.draft));
					const choice = ((saved.doc.choices ?? []) as PendingChoice[]).find(
						(c) => JSON.stringify(c.path) === JSON.stringify(control.path)
					);
					if (news === 'both') {
						expect(choice?.options.map((opt) => opt.value).sort()).toEqual([mine, theirs].sort());
					} else expect(choice).toBeUndefined();
				}
			)
		);
	});
});

describe('a box with the cursor, changed elsewhere', () => {
	it('keeps the person’s text and says the record’s changed whenever they differ', () => {
		fc.assert(
			fc.property(values, values, values, (o, d, i) => {
				const box = controls.find((c) => !c.pick)!;
				const { next, news, at } = takeInWithFocus(
					record(o, '2-a'),
					record(d, '2-a'),
					record(i, '3-b'),
					box
				);
				expect(at(next.draft)).toBe(d.focus);
				expect(news).toBe(i.focus !== o.focus && i.focus !== d.focus ? 'kept' : null);
			})
		);
	});
});

describe('a learning walk’s photo captions, one being typed', () => {
	const P1 = 'photo-1-aaaaaa.jpg';
	const P2 = 'photo-2-bbbbbb.jpg';
	const room = learningWalk().rooms[0]!;
	const walk = (captions: Record<string, string> | undefined, rev: string) =>
		({
			...learningWalk({ rooms: [{ ...room, ...(captions ? { captions } : {}) }] }),
			_rev: rev
		}) as unknown as Doc;
	const captionsOf = (doc: unknown) =>
		valueAt(doc, ['rooms', 'r1', 'captions']) as Record<string, string> | undefined;

	it('keeps the caption being typed and shows another photo’s caption typed elsewhere', () => {
		const base = walk(undefined, '3-a');
		const draft = walk({ [P1]: 'Year 5 work' }, '3-a');
		const incoming = walk({ [P2]: 'Display of persuasive letters' }, '4-b');
		const path: FieldPath = ['rooms', 'r1', 'captions', P1];
		const next = takeInAtFocus(base, draft, incoming, ['rooms'], { path, pick: false });
		expect(captionsOf(next.draft)).toEqual({
			[P1]: 'Year 5 work',
			[P2]: 'Display of persuasive letters'
		});
		expect(next.news).toBeNull();
		// The next save sees the typing as the person's own change, and the other caption as settled.
		const saved = merge3(next.base, { ...next.base, ...next.draft }, incoming);
		expect(saved.added).toEqual([]);
		expect(captionsOf(saved.doc)).toEqual(captionsOf(next.draft));
	});
});
