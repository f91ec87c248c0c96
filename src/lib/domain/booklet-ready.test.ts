import { describe, expect, it } from 'vitest';
import { bookletReady, NAME_NEEDED } from './booklet-ready.ts';

const person = (id: string, name: string, role = '') => ({ id, name, role });

describe('what of a booklet can be saved now', () => {
	it('leaves out a person added with no name yet, and says so beside their name', () => {
		const draft = {
			focus: 'Attendance',
			attendees: [person('a', 'Mrs Patel', 'Headteacher'), person('b', '  ', 'SENCo')]
		};
		const { ready, left } = bookletReady(draft, { attendees: [person('a', 'Mrs Patel')] });
		expect(ready).toEqual({ focus: 'Attendance', attendees: [draft.attendees[0]] });
		expect(left).toEqual([{ field: 'att-name-b', message: NAME_NEEDED }]);
		// The draft on screen keeps the row.
		expect(draft.attendees).toHaveLength(2);
	});

	it('keeps a person whose name was cleared, with the name saved before, until a new one is typed', () => {
		const { ready, left } = bookletReady(
			{ attendees: [person('a', '', 'Deputy head')] },
			{ attendees: [person('a', 'Mr Jones', 'Deputy')] }
		);
		expect(ready.attendees).toEqual([person('a', 'Mr Jones', 'Deputy head')]);
		expect(left.map((l) => l.field)).toEqual(['att-name-a']);
	});

	it('leaves out a row just added and still empty without a word: it holds no typing', () => {
		const draft = { attendees: [person('a', 'Mrs Patel'), person('b', ' ', ' ')] };
		const { ready, left } = bookletReady(draft, { attendees: [person('a', 'Mrs Patel')] });
		expect(ready.attendees).toEqual([person('a', 'Mrs Patel')]);
		expect(left).toEqual([]);
		// A person in the record whose name and role are both cleared is still said.
		const cleared = bookletReady(
			{ attendees: [person('a', '', '')] },
			{ attendees: [person('a', 'Mr Jones')] }
		);
		expect(cleared.ready.attendees).toEqual([person('a', 'Mr Jones', '')]);
		expect(cleared.left.map((l) => l.field)).toEqual(['att-name-a']);
	});

	it('gives back the draft itself when everyone has a name', () => {
		const draft = { attendees: [person('a', 'Mrs Patel')] };
		expect(bookletReady(draft, null)).toEqual({ ready: draft, left: [] });
		expect(bookletReady(draft, null).ready).toBe(draft);
	});
});
