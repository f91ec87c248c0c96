import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { needsPass, readInStep, type InStep } from './in-step';

const saved: InStep = { since: 'lq3k-41', pushed: { 'school-oakfield': '17', trust: '9' } };

describe('which databases need a pass when the app starts', () => {
	it('leaves alone a database in step: same update_seq, not named by the server', () => {
		expect(needsPass(saved, 'school-oakfield', 17, new Set(['school-hawthorn']))).toBe(false);
		expect(needsPass(saved, 'trust', '9', new Set())).toBe(false);
	});

	it('syncs one the server names, one written on the device since, and one never kept', () => {
		expect(needsPass(saved, 'school-oakfield', 17, new Set(['school-oakfield']))).toBe(true);
		expect(needsPass(saved, 'school-oakfield', 18, new Set())).toBe(true);
		expect(needsPass(saved, 'school-hawthorn', 0, new Set())).toBe(true);
	});

	it('syncs everything when in doubt: nothing kept, no answer, an unreadable database', () => {
		expect(needsPass(null, 'trust', 9, new Set())).toBe(true);
		expect(needsPass(saved, 'trust', 9, null)).toBe(true);
		expect(needsPass(saved, 'trust', null, new Set())).toBe(true);
	});

	it('never skips a database whose update_seq moved or that the server named (property)', () => {
		fc.assert(
			fc.property(
				fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.nat(50).map(String)),
				fc.constantFrom('a', 'b', 'c', 'd', 'e'),
				fc.nat(50),
				fc.subarray(['a', 'b', 'c', 'd', 'e']),
				(pushed, db, seq, named) => {
					const skip = !needsPass({ since: '1-1', pushed }, db, seq, new Set(named));
					if (skip) {
						expect(pushed[db]).toBe(String(seq));
						expect(named).not.toContain(db);
					}
				}
			)
		);
	});

	it('reads back only a well-formed record', () => {
		expect(readInStep(JSON.stringify(saved))).toEqual(saved);
		for (const raw of [null, '', 'not json', '[]', '{"since":"now","pushed":{}}', '{"since":3}'])
			expect(readInStep(raw)).toBeNull();
		expect(readInStep('{"since":"e-2","pushed":{"trust":4,"school-x":"5"}}')).toEqual({
			since: 'e-2',
			pushed: { 'school-x': '5' }
		});
	});
});
