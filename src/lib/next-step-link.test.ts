import { describe, expect, it } from 'vitest';
import { fromQuery, stepOrigin } from './next-step-link';

const step = { schoolId: 'oakfield', visitId: 'visit:2026-27:t2:abc' };

describe('a next step’s Back', () => {
	it('returns to the head’s home, or to the step’s own visit', () => {
		expect(stepOrigin('/', step)).toBe('home');
		expect(stepOrigin('/visits/visit:2026-27:t2:abc', step)).toBe('visit');
		expect(stepOrigin('/schools/oakfield', step)).toBe('school');
	});

	it('returns to the school’s overview, the choices or the Sync page it was opened from', () => {
		expect(stepOrigin('/schools/oakfield/overview', step)).toBe('overview');
		expect(stepOrigin('/choices', step)).toBe('choices');
		expect(stepOrigin('/sync', step)).toBe('sync');
	});

	it('goes to the school for anything else, inside the app or not', () => {
		for (const from of [
			null,
			'',
			'https://example.com/',
			'//example.com/',
			'/\\example.com',
			'javascript:alert(1)',
			'/settings',
			'/sync/',
			'/choices#x',
			'constructor',
			'__proto__',
			'/schools/hawthorn',
			'/schools/hawthorn/overview',
			'/schools/oakfield/overview/',
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
		const overview = fromQuery(`/schools/${step.schoolId}/overview`);
		expect(stepOrigin(new URLSearchParams(overview).get('from'), step)).toBe('overview');
		expect(stepOrigin(new URLSearchParams(fromQuery('/choices')).get('from'), step)).toBe(
			'choices'
		);
	});
});
