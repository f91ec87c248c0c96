import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confirmedStep, mayChangeRecord, stepAgreement, type AgreeingVisit } from './agreement';

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

describe('which next steps a head’s confirmation agrees', () => {
	const ids = ['next-step:2026-27:a', 'next-step:2026-27:b', 'next-step:2026-27:c'];
	const step = fc.record({
		_id: fc.constantFrom(...ids),
		visitId: fc.constantFrom('visit:2026-27:t1:v', undefined),
		headReply: fc.option(fc.record({ agrees: fc.boolean() }), { nil: undefined })
	});
	const visit: fc.Arbitrary<AgreeingVisit> = fc.record({
		status: fc.constantFrom('planned', 'draft', 'shared', 'confirmed'),
		confirmation: fc.option(fc.record({ steps: fc.option(fc.subarray(ids), { nil: undefined }) }), {
			nil: undefined
		})
	});

	it('never agrees a step the confirmation does not name, without the head’s own reply', () => {
		fc.assert(
			fc.property(step, visit, (s, v) => {
				const named = v.confirmation?.steps;
				if (!s.headReply && named && !named.includes(s._id)) {
					expect(stepAgreement(s, v)).toBe('proposed');
				}
			})
		);
	});

	it('lets the head’s own reply decide, whatever the record says', () => {
		fc.assert(
			fc.property(step, visit, (s, v) => {
				if (s.headReply) {
					expect(stepAgreement(s, v)).toBe(s.headReply.agrees ? 'agreed' : 'disagreed');
				}
			})
		);
	});

	it('reads a confirmation naming every step as one given before steps were named', () => {
		fc.assert(
			fc.property(step, visit, (s, v) => {
				const all = { ...v, confirmation: { steps: ids } };
				const before = { ...v, confirmation: {} };
				expect(stepAgreement(s, all)).toBe(stepAgreement(s, before));
			})
		);
	});

	it('agrees no step of a record the head has not confirmed, without their reply', () => {
		fc.assert(
			fc.property(step, visit, (s, v) => {
				if (!s.headReply && v.status !== 'confirmed') {
					expect(stepAgreement(s, v)).toBe('proposed');
				}
			})
		);
	});

	it('agrees a named step of a confirmed record, and one of a confirmation that names none', () => {
		const s = { _id: ids[0]!, visitId: 'visit:2026-27:t1:v' };
		expect(stepAgreement(s, { status: 'confirmed', confirmation: { steps: [ids[0]!] } })).toBe(
			'agreed'
		);
		expect(stepAgreement(s, { status: 'confirmed', confirmation: { steps: [ids[1]!] } })).toBe(
			'proposed'
		);
		expect(stepAgreement(s, { status: 'confirmed' })).toBe('agreed');
	});
});

describe('what a confirmation writes on the next steps it names', () => {
	const reply = fc.record({
		by: fc.constantFrom('head.oakfield', 'head.elmwood'),
		at: fc.constant('2026-11-24T09:00:00.000Z'),
		agrees: fc.boolean(),
		reason: fc.string({ maxLength: 20 })
	});
	const step = fc.record({
		_id: fc.constant('next-step:2026-27:a'),
		visitId: fc.constant('visit:2026-27:t1:v'),
		action: fc.string({ maxLength: 20 }),
		headReply: fc.option(reply, { nil: undefined })
	});
	const confirmed: AgreeingVisit = {
		status: 'confirmed',
		confirmation: { steps: ['next-step:2026-27:a'] }
	};
	const anyVisit: fc.Arbitrary<AgreeingVisit | null> = fc.option(
		fc.record({
			status: fc.constantFrom('planned', 'draft', 'shared', 'confirmed'),
			confirmation: fc.option(fc.record({ steps: fc.constant([] as string[]) }), { nil: undefined })
		}),
		{ nil: null }
	);
	const at = '2026-11-28T10:00:00.000Z';

	it('says of the step what the confirmation already said, on its own and on every screen', () => {
		fc.assert(
			fc.property(step, anyVisit, (s, v) => {
				const written = confirmedStep(s, 'head.oakfield', at);
				// What the record's screens said stays said, and the step now says it without its record
				// (a device without the record, a summary): the head agreed it, or replied as they did.
				expect(stepAgreement(written, confirmed)).toBe(stepAgreement(s, confirmed));
				expect(stepAgreement(written, v)).toBe(stepAgreement(s, confirmed));
			})
		);
	});

	it('keeps a reply already given as it is, and never turns a disagreement into agreement', () => {
		fc.assert(
			fc.property(step, (s) => {
				const written = confirmedStep(s, 'head.oakfield', at);
				if (s.headReply) expect(written.headReply).toEqual(s.headReply);
				else
					expect(written.headReply).toEqual({ by: 'head.oakfield', at, agrees: true, reason: '' });
				expect({ ...written, headReply: undefined }).toEqual({ ...s, headReply: undefined });
			})
		);
	});
});
