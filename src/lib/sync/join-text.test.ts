import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinLines, joinTexts, lineHunks } from './join-text';

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
