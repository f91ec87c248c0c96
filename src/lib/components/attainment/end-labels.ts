/** A series' name at the end of its line: where it would sit (its centre) and how tall it is. */
export type EndLabel = { y: number; height: number };

/**
 * Each end label's centre: as near its own `y` as it can be while the labels keep at least `gap`
 * between them, stay within `top` and `bottom`, and keep the order of their `y`s (equal ones in
 * the order given), so the highest line still has the highest label. Worked out as the least
 * total squared shift: taking away each label's share of the space the labels above it need
 * turns "at least `gap` apart" into "in order", which pooling neighbours that are out of order
 * (pool adjacent violators) solves exactly; clamping to the bounds keeps that order.
 * If the labels cannot fit with `gap`, the gap shrinks; if they cannot fit at all, they are
 * spread evenly, still inside (if one fits at all) and in order.
 */
export function placeEndLabels(
	labels: EndLabel[],
	top: number,
	bottom: number,
	gap: number
): number[] {
	const n = labels.length;
	if (n === 0) return [];
	const order = labels.map((_, i) => i).sort((a, b) => labels[a]!.y - labels[b]!.y || a - b);
	const h = order.map((i) => labels[i]!.height);
	const tallness = h.reduce((a, b) => a + b, 0);
	const span = bottom - top;
	if (tallness > span) {
		const half = Math.max(...h) / 2;
		const step = n > 1 ? (span - 2 * half) / (n - 1) : 0;
		const out = new Array<number>(n);
		order.forEach((i, k) => (out[i] = n > 1 ? top + half + k * step : (top + bottom) / 2));
		return out;
	}
	const g = n > 1 ? Math.min(gap, (span - tallness) / (n - 1)) : 0;
	// How far below the first label's centre each label's centre must be, at the least.
	const below = [0];
	for (let k = 1; k < n; k++) below.push(below[k - 1]! + (h[k - 1]! + h[k]!) / 2 + g);
	const wanted = order.map((i, k) => labels[i]!.y - below[k]!);
	// Pool adjacent violators: blocks of labels that move together, each at its members' mean.
	const blocks: { sum: number; count: number }[] = [];
	for (const w of wanted) {
		blocks.push({ sum: w, count: 1 });
		while (blocks.length > 1) {
			const last = blocks.at(-1)!;
			const prev = blocks.at(-2)!;
			if (prev.sum / prev.count <= last.sum / last.count) break;
			prev.sum += last.sum;
			prev.count += last.count;
			blocks.pop();
		}
	}
	const lo = top + h[0]! / 2;
	const hi = bottom - h[n - 1]! / 2 - below[n - 1]!;
	const out = new Array<number>(n);
	let k = 0;
	for (const b of blocks) {
		const at = Math.min(hi, Math.max(lo, b.sum / b.count));
		for (let j = 0; j < b.count; j++, k++) out[order[k]!] = at + below[k]!;
	}
	return out;
}

/**
 * A series' name in at most two lines no wider than `room`: split at a space or after a hyphen
 * where the wider line is narrowest (as the axis labels are), and a word too long even then is
 * cut short with an ellipsis, so a name never runs off the chart. The table and the legend keep
 * the whole name.
 */
export function fitEndLabel(name: string, room: number, width: (text: string) => number): string[] {
	if (width(name) <= room) return [name];
	const cut = (t: string) => {
		let s = t;
		while (s.length > 1 && width(`${s}…`) > room) s = s.slice(0, -1);
		return `${s.trimEnd()}…`;
	};
	let best: string[] | null = null;
	let bestWidth = Infinity;
	for (let i = 1; i < name.length; i++) {
		const space = name[i] === ' ';
		if (!space && name[i - 1] !== '-') continue;
		const first = name.slice(0, i);
		const second = name.slice(space ? i + 1 : i);
		const wider = Math.max(width(first), width(second));
		if (wider < bestWidth && first.trim() && second.trim()) {
			best = [first, second];
			bestWidth = wider;
		}
	}
	if (!best) return [cut(name)];
	return best.map((l) => (width(l) <= room ? l : cut(l)));
}
