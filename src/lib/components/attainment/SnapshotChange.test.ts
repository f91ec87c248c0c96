import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTAINMENT_FRAMEWORK, newAttainmentBooklet } from '$lib/domain';
import SnapshotChange from './SnapshotChange.svelte';

const booklet = newAttainmentBooklet('oakfield', '2026-27', 'sil', '2026-09-20T10:00:00Z');
const shown = (terms?: number[]) =>
	render(SnapshotChange, {
		props: {
			schoolId: 'oakfield',
			year: '2026-27',
			booklet,
			stored: null,
			framework: DEFAULT_ATTAINMENT_FRAMEWORK,
			threshold: 5,
			measureId: 'ks2-rwm-exs',
			pointId: 'mid-year',
			visits: [],
			canKeep: true,
			...(terms ? { terms } : {})
		}
	}).body.replace(/\s+/g, ' ');

describe('the booklet’s change since a visit', () => {
	it('names the terms the trust’s calendar updates the booklet in, not always 1, 3, 4 and 6', () => {
		const body = shown([2, 5]);
		expect(body).toContain(
			'They are kept when the booklet is updated at the visits of terms 2 and 5.'
		);
		expect(body).toContain('a term when the booklet is updated (terms 2 and 5) yet');
		expect(body).not.toContain('1, 3, 4 and 6');
		expect(shown()).toContain('updated at the visits of terms 1, 3, 4 and 6.');
	});
});
