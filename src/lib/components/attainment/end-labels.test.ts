import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitEndLabel, placeEndLabels } from './end-labels';

// The chart's drawing, in its own units: a single line of label is 14 tall, two lines 28.
const TOP = 2;
const BOTTOM = 192;
const GAP = 4;
const EPS = 1e-6;

const endLabels = fc.array(
	fc.record({
		y: fc.double({ min: -50, max: 250, noNaN: true }),
		height: fc.constantFrom(14, 28)
	}),
	{ minLength: 0, maxLength: 6 }
);

/** The labels' indexes from top to bottom by where their lines end (equal ones as given). */
const byEnd = (labels: { y: number }[]) =>
	labels.map((_, i) => i).sort((a, b) => labels[a]!.y - labels[b]!.y || a - b);

describe('labels at the ends of the lines', () => {
	it('keep the gap between them, stay inside the drawing and keep the lines’ order', () => {
		fc.assert(
			fc.property(endLabels, (labels) => {
				const at = placeEndLabels(labels, TOP, BOTTOM, GAP);
				expect(at).toHaveLength(labels.length);
				const order = byEnd(labels);
				for (const i of order) {
					expect(at[i]! - labels[i]!.height / 2).toBeGreaterThanOrEqual(TOP - EPS);
					expect(at[i]! + labels[i]!.height / 2).toBeLessThanOrEqual(BOTTOM + EPS);
				}
				for (let k = 1; k < order.length; k++) {
					const [above, below] = [order[k - 1]!, order[k]!];
					const space =
						at[below]! - labels[below]!.height / 2 - (at[above]! + labels[above]!.height / 2);
					expect(space).toBeGreaterThanOrEqual(GAP - EPS);
				}
			})
		);
	});

	it('leave a label where its line ends when there is room', () => {
		fc.assert(
			fc.property(fc.double({ min: 9, max: 185, noNaN: true }), (y) => {
				expect(placeEndLabels([{ y, height: 14 }], TOP, BOTTOM, GAP)).toEqual([y]);
			})
		);
		const apart = [
			{ y: 20, height: 14 },
			{ y: 100, height: 28 },
			{ y: 60, height: 14 }
		];
		expect(placeEndLabels(apart, TOP, BOTTOM, GAP)).toEqual([20, 100, 60]);
	});

	it('push two lines that end together apart evenly, about where they end', () => {
		const [a, b] = placeEndLabels(
			[
				{ y: 100, height: 14 },
				{ y: 100, height: 14 }
			],
			TOP,
			BOTTOM,
			GAP
		);
		expect([a, b]).toEqual([91, 109]);
	});

	it('keep a label off the edge when its line ends at the top or bottom', () => {
		expect(placeEndLabels([{ y: 0, height: 14 }], TOP, BOTTOM, GAP)).toEqual([9]);
		expect(placeEndLabels([{ y: 200, height: 28 }], TOP, BOTTOM, GAP)).toEqual([178]);
	});

	it('still stay inside and in order when there are too many to keep the gap', () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: -50, max: 250, noNaN: true }), { minLength: 8, maxLength: 20 }),
				(ys) => {
					const labels = ys.map((y) => ({ y, height: 28 }));
					const at = placeEndLabels(labels, TOP, BOTTOM, GAP);
					const order = byEnd(labels);
					for (const i of order) {
						expect(at[i]! - 14).toBeGreaterThanOrEqual(TOP - EPS);
						expect(at[i]! + 14).toBeLessThanOrEqual(BOTTOM + EPS);
					}
					for (let k = 1; k < order.length; k++)
						expect(at[order[k]!]!).toBeGreaterThanOrEqual(at[order[k - 1]!]! - EPS);
				}
			)
		);
	});
});

describe('a series’ name at the end of its line', () => {
	const width = (t: string) => t.length * 12 * 0.62;

	it('is whole when it fits, else split where both lines are shortest', () => {
		expect(fitEndLabel('All pupils', 100, width)).toEqual(['All pupils']);
		expect(fitEndLabel('National, all pupils', 100, width)).toEqual(['National,', 'all pupils']);
		expect(fitEndLabel('Non-disadvantaged', 100, width)).toEqual(['Non-', 'disadvantaged']);
	});

	it('is never wider than its room, in at most two lines', () => {
		fc.assert(
			fc.property(fc.string({ minLength: 1, maxLength: 60 }), (name) => {
				const lines = fitEndLabel(name, 100, width);
				expect(lines.length).toBeLessThanOrEqual(2);
				for (const l of lines) expect(width(l)).toBeLessThanOrEqual(100);
			})
		);
		// A word longer than the room, alone or in a long name, is cut short where it is seen.
		expect(fitEndLabel('Multilingual learners', 100, width)).toEqual(['Multilingual', 'learners']);
		expect(fitEndLabel('Internationally-minded', 100, width)).toEqual(['Internationa…', 'minded']);
		expect(fitEndLabel('Neurodivergent', 100, width)).toEqual(['Neurodiverge…']);
	});
});
