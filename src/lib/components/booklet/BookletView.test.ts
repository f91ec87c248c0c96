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
		expect(shown('confirmed')).toContain('Confirmed by the headteacher, head.oakfield');
		expect(shown('confirmed')).toContain('I agree');
	});

	it('never for a record that is not, whatever it carries', () => {
		expect(shown('shared')).not.toContain('Confirmed by');
		expect(shown('shared')).not.toContain('I agree');
	});
});

describe('the booklet names people in full', () => {
	const people = { sil: 'James Whitfield', 'head.oakfield': 'Sarah Thompson' };

	it('by the names written on the record, which print without the trust’s list', () => {
		const body = render(BookletView, {
			props: {
				visit: visit({
					visitor: 'sil',
					visitorName: 'James Whitfield',
					status: 'confirmed',
					confirmation: { ...confirmation, name: 'Sarah Thompson' },
					addenda: [
						{ id: 'a1', by: 'sil', name: 'James Whitfield', at: confirmation.at, text: 'More' }
					]
				}),
				framework,
				schoolName: 'Oakfield'
			}
		}).body;
		expect(body).toContain('Visitor: James Whitfield');
		expect(body).toContain('Confirmed by the headteacher, Sarah Thompson');
		expect(body).toContain('James Whitfield:');
		expect(body).not.toMatch(/\bsil\b|head\.oakfield/);
	});

	it('from the trust’s list for a record written before names were kept', () => {
		const body = render(BookletView, {
			props: {
				visit: visit({ visitor: 'sil', status: 'confirmed', confirmation }),
				framework,
				schoolName: 'Oakfield',
				people
			}
		}).body;
		expect(body).toContain('Visitor: James Whitfield');
		expect(body).toContain('Confirmed by the headteacher, Sarah Thompson');
	});

	it('with the visitor’s title, when the administrator gave them one', () => {
		const body = render(BookletView, {
			props: {
				visit: visit({ visitor: 'sil', visitorName: 'James Whitfield' }),
				framework,
				schoolName: 'Oakfield',
				titles: { sil: 'Teaching and learning lead' }
			}
		}).body;
		expect(body).toContain('Visitor: James Whitfield, Teaching and learning lead');
	});

	it('and says the term in words', () => {
		const body = render(BookletView, {
			props: { visit: visit({ term: 2 }), framework, schoolName: 'Oakfield' }
		}).body;
		expect(body).toContain('Autumn 2 (term 2), 2026-27');
		expect(body).not.toContain('term 2,');
	});
});
