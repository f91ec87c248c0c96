import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statusLine, type StatusFacts } from './status-line';

const clear: StatusFacts = {
	signedOutByServer: false,
	online: true,
	unreachable: false,
	failed: false,
	checking: false,
	syncing: false,
	pending: 0,
	stranded: 0,
	justChanged: false,
	refusals: 0,
	choosing: 0,
	unsettled: 0,
	unsaved: 0,
	drafts: 0,
	readOnly: false
};

const facts = fc
	.record({
		signedOutByServer: fc.boolean(),
		online: fc.boolean(),
		unreachable: fc.boolean(),
		failed: fc.boolean(),
		checking: fc.boolean(),
		syncing: fc.boolean(),
		pending: fc.nat(3),
		justChanged: fc.boolean(),
		refusals: fc.nat(2),
		choosing: fc.nat(2),
		unsettled: fc.nat(2),
		unsaved: fc.nat(2),
		drafts: fc.nat(2),
		stranded: fc.nat(2),
		readOnly: fc.boolean()
	})
	// Changes to a school taken away are among those waiting.
	.map((f) => ({ ...f, stranded: Math.min(f.stranded, f.pending) }));

describe('the status line', () => {
	it('says all is sent only when nothing at all is left to do', () => {
		expect(statusLine(clear)).toEqual({ icon: '✓', tone: 'green', text: 'All changes sent' });
		fc.assert(
			fc.property(facts, (f) => {
				const line = statusLine(f);
				const nothingLeft =
					!f.signedOutByServer &&
					f.online &&
					!f.unreachable &&
					!f.failed &&
					!f.checking &&
					!f.syncing &&
					f.pending + f.refusals + f.choosing + f.unsettled + f.unsaved + f.drafts === 0 &&
					!f.justChanged;
				expect(line.tone === 'green').toBe(nothingLeft);
			})
		);
	});

	it('never hides typing not saved, forms not sent or a choice behind another state', () => {
		fc.assert(
			fc.property(facts, (f) => {
				const text = statusLine(f).text.toLowerCase();
				if (f.unsaved > 0) expect(text).toContain('not saved');
				if (f.drafts > 0) expect(text).toContain('not sent');
				if (f.choosing > 0) expect(text).toContain('your choice');
				if (f.pending > f.stranded) expect(text).toMatch(/waiting|sending/);
				if (f.stranded > 0) expect(text).toContain('school no longer yours');
				// Nothing that can be sent: not "Sending".
				if (f.pending === f.stranded && !f.justChanged) expect(text).not.toMatch(/^sending/);
				// The refused typing, the more serious, is said first.
				if (f.unsaved > 0 && f.drafts > 0)
					expect(text.indexOf('not saved')).toBeLessThan(text.indexOf('not sent'));
			})
		);
	});

	it('shows every state by a symbol and words as well as its colour', () => {
		fc.assert(
			fc.property(facts, (f) => {
				const line = statusLine(f);
				expect(['!', '○', '↻', '✓']).toContain(line.icon);
				expect(line.text.length).toBeGreaterThan(0);
				// Red and amber ask for attention with "!" or say the device is cut off with "○".
				if (line.tone === 'red') expect(line.icon).toBe('!');
			})
		);
	});

	it('reads as a sentence in the mixes people meet', () => {
		expect(statusLine({ ...clear, unsaved: 1, drafts: 2, pending: 1 }).text).toBe(
			'Typing in 1 record not saved · 1 change waiting · typing in 2 forms not sent'
		);
		expect(statusLine({ ...clear, drafts: 1, choosing: 1 }).text).toBe(
			'Typing in 1 form not sent · 1 record needs your choice · the rest is sent'
		);
		expect(statusLine({ ...clear, online: false, pending: 2, unsaved: 1 }).text).toBe(
			'Offline · 2 changes waiting · typing in 1 record not saved'
		);
		expect(statusLine({ ...clear, pending: 3, stranded: 1 }).text).toBe(
			'1 change for a school no longer yours · 2 changes waiting'
		);
		expect(statusLine({ ...clear, choosing: 2 }).text).toBe(
			'2 records need your choice · all changes sent'
		);
	});

	it('tells someone who writes nothing that they are up to date, and every other role as before', () => {
		expect(statusLine({ ...clear, readOnly: true })).toEqual({
			icon: '✓',
			tone: 'green',
			text: 'Up to date'
		});
		// While a pass runs, or cut off, a reader is told as anyone is.
		expect(statusLine({ ...clear, readOnly: true, checking: true }).text).toBe(
			'Checking with the trust'
		);
		expect(statusLine({ ...clear, readOnly: true, online: false }).text).toBe('Offline');
		fc.assert(
			fc.property(facts, (f) => {
				const writer = statusLine({ ...f, readOnly: false });
				const reader = statusLine({ ...f, readOnly: true });
				if (writer.text === 'All changes sent') expect(reader.text).toBe('Up to date');
				else expect(reader).toEqual(writer);
				expect(writer.text).not.toBe('Up to date');
			})
		);
	});
});
