/**
 * Joining two versions of one text that two devices (or tabs) changed apart (stops 35 to 38), in a
 * conflict's resolution and in a form's save: each rule keeps everything either person typed and
 * depends only on the three texts and which version was written first, so every device that
 * resolves the same conflict writes the same text. Null when no rule applies: the clash stays a
 * choice. `base` must be an ancestor of both versions.
 */
export function joinTexts(base: unknown, a: unknown, b: unknown, aFirst: boolean): string | null {
	return (
		joinAppends(base, a, b, aFirst) ?? joinLines(base, a, b, aFirst) ?? joinInsertions(base, a, b)
	);
}

/**
 * Two texts that each only added to the end of the text they both started from (a sentence added
 * to the evidence on a laptop, another on a tablet): that text with both additions, the one written
 * first (`aFirst`) first, put apart by a space or a new line when neither brings its own. When one
 * text adds to the other's addition, the longer (it holds everything both typed). Only for prose:
 * each addition must hold a space or a new line, so codes and single words (`g1` → `g10`, `g11`)
 * stay a choice. Null when the rule does not apply.
 */
export function joinAppends(base: unknown, a: unknown, b: unknown, aFirst: boolean): string | null {
	if (typeof base !== 'string' || typeof a !== 'string' || typeof b !== 'string') return null;
	if (base === '' || a === b || !a.startsWith(base) || !b.startsWith(base)) return null;
	const sa = a.slice(base.length);
	const sb = b.slice(base.length);
	if (!/\s/.test(sa) || !/\s/.test(sb)) return null;
	if (a.startsWith(b)) return a;
	if (b.startsWith(a)) return b;
	const [first, second] = aFirst ? [sa, sb] : [sb, sa];
	const apart = /\s$/.test(first) || /^\s/.test(second);
	const sep = apart ? '' : (base + first).includes('\n') ? '\n' : ' ';
	return base + first + sep + second;
}

/** Lines `start` to `end` (not included) of the text both started from, replaced by `lines`. */
interface Hunk {
	start: number;
	end: number;
	lines: string[];
}

/** Above this many cells a side's change is taken as one block (fewer joins, never a wrong one). */
const MAX_CELLS = 1_000_000;

/** What one side changed in `base`, line by line (a longest common subsequence of lines). */
export function lineHunks(base: string[], side: string[]): Hunk[] {
	let pre = 0;
	while (pre < base.length && pre < side.length && base[pre] === side[pre]) pre++;
	let suf = 0;
	while (
		suf < base.length - pre &&
		suf < side.length - pre &&
		base[base.length - 1 - suf] === side[side.length - 1 - suf]
	)
		suf++;
	const x = base.slice(pre, base.length - suf);
	const y = side.slice(pre, side.length - suf);
	if (x.length === 0 && y.length === 0) return [];
	if ((x.length + 1) * (y.length + 1) > MAX_CELLS) {
		return [{ start: pre, end: pre + x.length, lines: y }];
	}
	// common[i][j]: the longest common subsequence of x[i..] and y[j..].
	const w = y.length + 1;
	const common = new Uint32Array((x.length + 1) * w);
	for (let i = x.length - 1; i >= 0; i--) {
		for (let j = y.length - 1; j >= 0; j--) {
			common[i * w + j] =
				x[i] === y[j]
					? common[(i + 1) * w + j + 1]! + 1
					: Math.max(common[(i + 1) * w + j]!, common[i * w + j + 1]!);
		}
	}
	const hunks: Hunk[] = [];
	let open: Hunk | null = null;
	let i = 0;
	let j = 0;
	while (i < x.length || j < y.length) {
		if (i < x.length && j < y.length && x[i] === y[j]) {
			open = null;
			i++;
			j++;
			continue;
		}
		if (!open) hunks.push((open = { start: pre + i, end: pre + i, lines: [] }));
		if (j < y.length && (i === x.length || common[i * w + j + 1]! >= common[(i + 1) * w + j]!)) {
			open.lines.push(y[j++]!);
		} else {
			i++;
			open.end = pre + i;
		}
	}
	return hunks;
}

const sameHunk = (p: Hunk, q: Hunk) =>
	p.start === q.start &&
	p.end === q.end &&
	p.lines.length === q.lines.length &&
	p.lines.every((l, i) => l === q.lines[i]);

/**
 * Two texts whose changes are in different lines of the text they both started from (a paragraph
 * rewritten on the laptop, another added further down on the tablet): that text with both sides'
 * changes. Changes to the same line, or to lines next to each other, stay a choice (the two people
 * may have written about the same thing), unless each only inserted prose (`joinInsertions`); the
 * same change made on both sides is made once; two blocks of lines added at the same place are
 * both kept, the one written first first. Null when the rule does not apply.
 */
export function joinLines(base: unknown, a: unknown, b: unknown, aFirst: boolean): string | null {
	if (typeof base !== 'string' || typeof a !== 'string' || typeof b !== 'string') return null;
	if (base === '' || a === b) return null;
	const lines = base.split('\n');
	const ha = lineHunks(lines, a.split('\n'));
	const hb = lineHunks(lines, b.split('\n'));
	const merged: Hunk[] = [];
	for (const p of ha) {
		let own = p;
		for (const q of hb) {
			if (q.start > p.end || p.start > q.end) continue;
			if (sameHunk(p, q)) continue;
			// Only two blocks added at one place are joined; any other two changes that meet are not.
			if (p.start !== p.end || q.start !== q.end || p.start !== q.start) return null;
			own = { ...p, lines: aFirst ? [...p.lines, ...q.lines] : [...q.lines, ...p.lines] };
		}
		merged.push(own);
	}
	for (const q of hb) if (!ha.some((p) => q.start <= p.end && p.start <= q.end)) merged.push(q);
	merged.sort((p, q) => p.start - q.start);
	const out: string[] = [];
	let at = 0;
	for (const h of merged) {
		out.push(...lines.slice(at, h.start), ...h.lines);
		at = h.end;
	}
	out.push(...lines.slice(at));
	return out.join('\n');
}

/** A letter or a digit: an insertion point between two of them is inside a word. */
const WORD = /[\p{L}\p{N}]/u;

/**
 * Where `side` only inserted text into `base`, in one place: that place (the leftmost of the
 * places that give the same text, so that it does not depend on how the text was typed) and the
 * text inserted; null for any other change.
 */
export function insertion(base: string, side: string): { at: number; text: string } | null {
	if (side.length <= base.length) return null;
	let pre = 0;
	while (pre < base.length && base[pre] === side[pre]) pre++;
	let suf = 0;
	while (suf < base.length - pre && base[base.length - 1 - suf] === side[side.length - 1 - suf]) {
		suf++;
	}
	if (pre + suf !== base.length) return null;
	let at = pre;
	let text = side.slice(pre, side.length - suf);
	// "T SB" → "T SA SB" reads as "A S" inserted inside "SB"; the same text is " SA" after "T".
	while (at > 0 && base[at - 1] === text[text.length - 1]) {
		text = base[at - 1] + text.slice(0, -1);
		at--;
	}
	return { at, text };
}

/**
 * Two texts that each only inserted prose, in one place each, at different places of the text
 * they both started from, between words (a clause added in the middle of a paragraph on one
 * device, a sentence at its end on the other; or a person typing on at the end of their sentence
 * in a box whose record has meanwhile taken in someone else's): that text with both insertions.
 * Nothing is replaced or removed, so nothing either person typed is lost, and the result does not
 * depend on which was written first. Each insertion must hold a space or a new line, as in
 * `joinAppends`; two insertions at one place, or one inside a word, stay a choice. Null when the
 * rule does not apply.
 */
export function joinInsertions(base: unknown, a: unknown, b: unknown): string | null {
	if (typeof base !== 'string' || typeof a !== 'string' || typeof b !== 'string') return null;
	if (base === '' || a === b) return null;
	const ia = insertion(base, a);
	const ib = insertion(base, b);
	if (!ia || !ib || ia.at === ib.at) return null;
	for (const { at, text } of [ia, ib]) {
		if (!/\s/.test(text)) return null;
		if (WORD.test(base[at - 1] ?? '') && WORD.test(base[at] ?? '')) return null;
	}
	const [first, second] = ia.at < ib.at ? [ia, ib] : [ib, ia];
	return (
		base.slice(0, first.at) +
		first.text +
		base.slice(first.at, second.at) +
		second.text +
		base.slice(second.at)
	);
}
