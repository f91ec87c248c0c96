import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertion, joinInsertions, joinLines, joinTexts, lineHunks } from './join-text';

const text = (...lines: string[]) => lines.join('\n');

describe('joinLines: a text two devices changed in different lines', () => {
	const base = text(
		'Reading: phonics taught daily in Reception.',
		'',
		'Writing: stamina is low in Year 5.',
		'',
		'Maths: fluency sessions started in September.'
	);

	it('keeps a paragraph rewritten on the laptop and one added on the tablet, whichever leads', () => {
		const laptop = text(
			'Reading: phonics taught daily in Reception and Year 1; catch-up groups seen.',
			'',
			'Writing: stamina is low in Year 5.',
			'',
			'Maths: fluency sessions started in September.'
		);
		const tablet = text(
			'Reading: phonics taught daily in Reception.',
			'',
			'Writing: stamina is low in Year 5.',
			'',
			'Maths: fluency sessions started in September.',
			'',
			'Attendance: persistent absence down to 12%.'
		);
		const joined = text(
			'Reading: phonics taught daily in Reception and Year 1; catch-up groups seen.',
			'',
			'Writing: stamina is low in Year 5.',
			'',
			'Maths: fluency sessions started in September.',
			'',
			'Attendance: persistent absence down to 12%.'
		);
		expect(joinLines(base, laptop, tablet, true)).toBe(joined);
		expect(joinLines(base, tablet, laptop, false)).toBe(joined);
		expect(joinTexts(base, laptop, tablet, true)).toBe(joined);
	});

	it('keeps a paragraph removed on one device and another changed on the other', () => {
		const removed = text(
			'Reading: phonics taught daily in Reception.',
			'',
			'Maths: fluency sessions started in September.'
		);
		const changed = base.replace('in Reception.', 'in Reception; catch-up groups seen.');
		const joined = text(
			'Reading: phonics taught daily in Reception; catch-up groups seen.',
			'',
			'Maths: fluency sessions started in September.'
		);
		expect(joinLines(base, removed, changed, true)).toBe(joined);
		expect(joinLines(base, changed, removed, true)).toBe(joined);
	});

	it('leaves a choice when both changed the same line, or lines next to each other', () => {
		const one = base.replace('stamina is low', 'stamina is improving');
		const other = base.replace('in Year 5', 'in Years 5 and 6');
		expect(joinLines(base, one, other, true)).toBeNull();
		const lines = text('- reading', '- writing', '- maths');
		expect(
			joinLines(
				lines,
				text('- reading aloud', '- writing', '- maths'),
				text('- reading', '- early writing', '- maths'),
				true
			)
		).toBeNull();
		// A one-line text changed on both sides, and a text both filled in from empty.
		expect(joinLines('Book looks', 'Book looks done', 'Books looked at', true)).toBeNull();
		expect(joinLines('', 'Pupils read', 'Pupils wrote', true)).toBeNull();
	});

	it('makes the same change once, and keeps two blocks added at one place, the first written first', () => {
		const both = base.replace('stamina is low', 'stamina is improving');
		expect(joinLines(base, both, both + '\nExtra.', true)).toBe(both + '\nExtra.');
		const lines = text('Strengths:', '', 'Next:');
		const a = text('Strengths:', '- reading', '', 'Next:');
		const b = text('Strengths:', '- maths', '', 'Next:');
		expect(joinLines(lines, a, b, true)).toBe(
			text('Strengths:', '- reading', '- maths', '', 'Next:')
		);
		expect(joinLines(lines, a, b, false)).toBe(
			text('Strengths:', '- maths', '- reading', '', 'Next:')
		);
	});
});

/**
 * A text of distinct lines, and what each of two devices did to some of them: the line kept, removed,
 * rewritten, or with new lines added after it. The devices' lines never meet (a line between them
 * untouched), so the join must be exactly both changes applied.
 */
type Edit =
	{ kind: 'keep' } | { kind: 'remove' } | { kind: 'rewrite' } | { kind: 'add'; n: number };
const edit: fc.Arbitrary<Edit> = fc.oneof(
	fc.constant({ kind: 'keep' } as Edit),
	fc.constant({ kind: 'remove' } as Edit),
	fc.constant({ kind: 'rewrite' } as Edit),
	fc.integer({ min: 1, max: 3 }).map((n): Edit => ({ kind: 'add', n }))
);
const owner = fc.constantFrom<'none' | 'a' | 'b'>('none', 'none', 'a', 'b');

function apply(lines: string[], edits: ({ e: Edit; tag: string } | null)[]): string[] {
	return lines.flatMap((line, i) => {
		const c = edits[i];
		if (!c || c.e.kind === 'keep') return [line];
		if (c.e.kind === 'remove') return [];
		if (c.e.kind === 'rewrite') return [`${line} (${c.tag})`];
		return [line, ...Array.from({ length: c.e.n }, (_, k) => `${c.tag} ${i}.${k}`)];
	});
}

describe('joinLines properties', () => {
	const plan = fc.array(fc.tuple(owner, edit), { minLength: 1, maxLength: 12 }).map((cells) => {
		// A device's line next to the other device's is left untouched: those would meet.
		const who = cells.map(([o]) => o);
		for (let i = 1; i < who.length; i++) {
			if (who[i] !== 'none' && who[i - 1] !== 'none' && who[i] !== who[i - 1]) who[i] = 'none';
		}
		return cells.map(([, e], i) => ({ who: who[i]!, e }));
	});

	it('changes in lines apart are both kept, exactly, the same whichever device leads', () => {
		fc.assert(
			fc.property(plan, fc.boolean(), (cells, aFirst) => {
				const lines = cells.map((_, i) => `line ${i}`);
				const base = text(...lines);
				const on = (who: string, tag: string) =>
					cells.map((c) => (c.who === who ? { e: c.e, tag } : null));
				const [onA, onB] = [on('a', 'laptop'), on('b', 'tablet')];
				const a = text(...apply(lines, onA));
				const b = text(...apply(lines, onB));
				const expected = text(
					...apply(
						lines,
						onA.map((c, i) => c ?? onB[i] ?? null)
					)
				);
				if (a === b) return;
				if (a === base || b === base) {
					// One device changed nothing: its text is the other's.
					expect(joinLines(base, a, b, aFirst)).toBe(a === base ? b : a);
					return;
				}
				expect(joinLines(base, a, b, aFirst)).toBe(expected);
				expect(joinLines(base, b, a, !aFirst)).toBe(expected);
			})
		);
	});

	it('two changes to one line are never joined, and any join keeps every line either device added and the other did not remove', () => {
		const line = fc.constantFrom('Reading', 'Writing', 'Maths', '', 'Year 4 books', '- phonics');
		const lines = fc.array(line, { minLength: 1, maxLength: 6 });
		fc.assert(
			fc.property(lines, lines, lines, fc.boolean(), (x, y, z, aFirst) => {
				const [base, a, b] = [text(...x), text(...y), text(...z)];
				const joined = joinLines(base, a, b, aFirst);
				expect(joinLines(base, b, a, !aFirst)).toBe(joined);
				if (joined === null) return;
				const out = joined.split('\n');
				const count = (list: string[], l: string) => list.filter((m) => m === l).length;
				// A line added on either side (more of it than the base had) is in the join as often,
				// less any of the base's copies of it the other side removed: with "Reading" added
				// at the top on one side and the base's "Reading" further down removed on the other,
				// the join holds one.
				const pairs: [string[], string[]][] = [
					[y, z],
					[z, y]
				];
				for (const [side, other] of pairs)
					for (const l of side)
						if (count(side, l) > count(x, l)) {
							const removed = Math.max(0, count(x, l) - count(other, l));
							expect(count(out, l)).toBeGreaterThanOrEqual(count(side, l) - removed);
						}
			})
		);
	});

	it('lineHunks describes exactly what a side changed', () => {
		const lines = fc.array(fc.constantFrom('a', 'b', 'c', ''), { maxLength: 8 });
		fc.assert(
			fc.property(lines, lines, (base, side) => {
				const hunks = lineHunks(base, side);
				const out: string[] = [];
				let at = 0;
				for (const h of hunks) {
					expect(h.start).toBeGreaterThanOrEqual(at);
					out.push(...base.slice(at, h.start), ...h.lines);
					at = h.end;
				}
				out.push(...base.slice(at));
				expect(out).toEqual(side);
			})
		);
	});
});

describe('joinInsertions: prose inserted at different places of one line', () => {
	const T = 'Book looks in Year 4.';
	const SA = ' Phonics records up to date.';
	const SB = ' Pupils read aloud fluently.';
	const MORE = ' Guided reading seen in Year 6.';

	it('keeps typing on after someone else’s sentence was joined in before it, asking nothing', () => {
		// The laptop's sentence (SA) and the tablet's (SB) were joined, the laptop's first; the tablet's
		// box still shows its own text and the person types on. Its base is what it last sent.
		const base = T + SB;
		const record = T + SA + SB;
		const box = T + SB + MORE;
		expect(joinInsertions(base, box, record)).toBe(T + SA + SB + MORE);
		expect(joinTexts(base, box, record, true)).toBe(T + SA + SB + MORE);
		expect(joinTexts(base, record, box, false)).toBe(T + SA + SB + MORE);
	});

	it('keeps a clause added mid-sentence on one device and a sentence added at the end on the other', () => {
		const base = 'Pupils read well. Writing is improving.';
		const a = 'Pupils in Year 6 read well. Writing is improving.';
		const b = 'Pupils read well. Writing is improving. Maths next term.';
		expect(joinTexts(base, a, b, true)).toBe(
			'Pupils in Year 6 read well. Writing is improving. Maths next term.'
		);
	});

	it('leaves a choice for two insertions at one place, one inside a word, a word without a space, or any other change', () => {
		const base = 'Phonics taught daily.';
		const end = base + ' Catch-up groups seen.';
		// The same place (mid-text): which goes first is not for the app to decide.
		expect(
			joinInsertions(base, 'Phonics is taught daily.', 'Phonics was taught daily.')
		).toBeNull();
		// Inside a word.
		expect(joinInsertions(base, 'Pho nics taught daily.', end)).toBeNull();
		// No space: a code or a single word.
		expect(joinInsertions(base, 'Phonics taught dailyy.', end)).toBeNull();
		// A word replaced, not only added to.
		expect(joinInsertions(base, 'Phonics taught weekly.', end)).toBeNull();
		expect(joinTexts(base, 'Phonics taught weekly.', end, true)).toBeNull();
	});

	it('reads an insertion at the leftmost place that gives the same text', () => {
		expect(insertion('T SB', 'T SA SB')).toEqual({ at: 1, text: ' SA' });
		expect(insertion('ab', 'abab')).toEqual({ at: 0, text: 'ab' });
		expect(insertion('ab', 'ab')).toBeNull();
		expect(insertion('ab', 'ba')).toBeNull();
	});

	const word = fc.constantFrom('Pupils', 'read', 'well', 'Year', '4', 'maths,', 'books.');
	const sentence = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
	const inserted = fc.constantFrom(
		' and writing',
		' in Year 6',
		' Phonics too.',
		'\nNext: maths',
		' '
	);
	const place = fc.nat();

	it('whenever it joins, the join is each version with the other’s insertion, the same either way round', () => {
		fc.assert(
			fc.property(sentence, inserted, place, inserted, place, (base, x, i, y, j) => {
				const at = (n: number) => n % (base.length + 1);
				const a = base.slice(0, at(i)) + x + base.slice(at(i));
				const b = base.slice(0, at(j)) + y + base.slice(at(j));
				const joined = joinInsertions(base, a, b);
				expect(joinInsertions(base, b, a)).toBe(joined);
				if (joined === null) return;
				// Nothing removed, nothing typed lost: the join is a with b's insertion, and b with a's.
				expect(joined.length).toBe(a.length + b.length - base.length);
				expect(insertion(a, joined)).not.toBeNull();
				expect(insertion(b, joined)).not.toBeNull();
			})
		);
	});

	it('joins insertions between words at different places, exactly', () => {
		const words = fc.array(word, { minLength: 2, maxLength: 6 });
		fc.assert(
			fc.property(words, place, place, (w, i, j) => {
				// Each insertion goes after a different word, and starts with a mark no word holds.
				const [p, q] = [i % w.length, j % w.length];
				fc.pre(p !== q);
				const after = (k: number, mark: string) =>
					w.map((x, n) => (n === k ? `${x} [${mark}]` : x)).join(' ');
				const both = w.map((x, n) => (n === p ? `${x} [a]` : n === q ? `${x} [b]` : x)).join(' ');
				expect(joinTexts(w.join(' '), after(p, 'a'), after(q, 'b'), true)).toBe(both);
				expect(joinTexts(w.join(' '), after(q, 'b'), after(p, 'a'), false)).toBe(both);
			})
		);
	});
});
