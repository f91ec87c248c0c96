import { describe, expect, it } from 'vitest';
import { mayChangeRecord } from './agreement';

// A visit record and its next steps are changed by its visitor while it is planned or in draft,
// on every page that offers it: not while the head is confirming it, nor once confirmed.

const sil = { name: 'sil1', roles: ['sil', 'school:oakfield'] };

describe('who may change a visit record and its next steps', () => {
	it('its visitor, while it is planned or in draft', () => {
		expect(mayChangeRecord(sil, { visitor: 'sil1', status: 'planned' })).toBe(true);
		expect(mayChangeRecord(sil, { visitor: 'sil1', status: 'draft' })).toBe(true);
	});

	it('no one while it is shared with the head or confirmed', () => {
		expect(mayChangeRecord(sil, { visitor: 'sil1', status: 'shared' })).toBe(false);
		expect(mayChangeRecord(sil, { visitor: 'sil1', status: 'confirmed' })).toBe(false);
	});

	it('not another lead, a visitor without the lead’s role, or no one signed in', () => {
		expect(mayChangeRecord(sil, { visitor: 'sil2', status: 'draft' })).toBe(false);
		const head = { name: 'sil1', roles: ['head', 'school:oakfield'] };
		expect(mayChangeRecord(head, { visitor: 'sil1', status: 'draft' })).toBe(false);
		expect(mayChangeRecord(null, { visitor: 'sil1', status: 'draft' })).toBe(false);
	});
});
