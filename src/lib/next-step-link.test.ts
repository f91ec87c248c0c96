import { describe, expect, it } from 'vitest';
import { fromQuery, stepOrigin } from './next-step-link';

const step = { schoolId: 'oakfield', visitId: 'visit:2026-27:t2:abc' };

describe('a next step’s Back', () => {
	it('returns to the head’s home, or to the step’s own visit', () => {
		expect(stepOrigin('/', step)).toBe('home');
		expect(stepOrigin('/visits/visit:2026-27:t2:abc', step)).toBe('visit');
		expect(stepOrigin('/schools/oakfield', step)).toBe('school');
	});

	it('goes to the school for anything else, inside the app or not', () => {
		for (const from of [
			null,
			'',
			'https://example.com/',
			'//example.com/',
			'/\\example.com',
			'javascript:alert(1)',
			'/sync',
			'/schools/hawthorn',
			'/visits/visit:2026-27:t1:other',
			'/visits/',
			'/?x=1'
		]) {
			expect(stepOrigin(from, step), String(from)).toBe('school');
		}
	});

	it('does not take a visit for a step recorded outside one', () => {
		expect(stepOrigin('/visits/', { schoolId: 'oakfield' })).toBe('school');
		expect(stepOrigin('/visits/undefined', { schoolId: 'oakfield' })).toBe('school');
	});

	it('reads back the place its link wrote, ids with colons and all', () => {
		const from = new URLSearchParams(fromQuery(`/visits/${step.visitId}`)).get('from');
		expect(stepOrigin(from, step)).toBe('visit');
		expect(stepOrigin(new URLSearchParams(fromQuery('/')).get('from'), step)).toBe('home');
	});
});
