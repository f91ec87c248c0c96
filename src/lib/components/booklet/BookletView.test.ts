import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { framework, visit } from '../../../../tests/unit/fixtures';
import BookletView from './BookletView.svelte';

const confirmation = { by: 'head.oakfield', at: '2026-11-21T09:00:00.000Z', comment: 'I agree' };
const shown = (status: 'shared' | 'confirmed') =>
	render(BookletView, {
		props: { visit: visit({ status, confirmation }), framework, schoolName: 'Oakfield' }
	}).body;

describe('the booklet shows a confirmation', () => {
	it('when the record is confirmed', () => {
		expect(shown('confirmed')).toContain('Confirmed by head.oakfield');
		expect(shown('confirmed')).toContain('I agree');
	});

	it('never for a record that is not, whatever it carries', () => {
		expect(shown('shared')).not.toContain('Confirmed by');
		expect(shown('shared')).not.toContain('I agree');
	});
});
