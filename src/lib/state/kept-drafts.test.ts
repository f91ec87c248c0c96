import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	AT,
	DRAFT_FORMS,
	DRAFT_RESTS_MS,
	PAGE,
	WHERE,
	draftsToShow,
	hasSomething,
	holdDraft,
	isDraftOpen,
	nameVisitDraft,
	readKeptDrafts
} from './kept-drafts';

// Drafts of forms sent by hand, typed and left unsent (their form closed, or gone with its
// record): found in localStorage to be shown on the Sync page, never left there unseen.

class MemoryStorage {
	#items = new Map<string, string>();
	get length() {
		return this.#items.size;
	}
	key(i: number) {
		return [...this.#items.keys()][i] ?? null;
	}
	getItem(k: string) {
		return this.#items.get(k) ?? null;
	}
	setItem(k: string, v: unknown) {
		this.#items.set(k, typeof v === 'string' ? v : JSON.stringify(v));
	}
}

const NOW = Date.parse('2026-03-04T15:00:00Z');
const old = NOW - DRAFT_RESTS_MS - 1;
const show = (storage: MemoryStorage, user = 'sil1', isOpen = isDraftOpen) =>
	draftsToShow(readKeptDrafts(storage, user), { now: NOW, restMs: DRAFT_RESTS_MS, isOpen });

describe('kept drafts left unsent', () => {
	it('lists a draft typed a while ago, with its form, where it was typed and what was typed, as its form says it', () => {
		const s = new MemoryStorage();
		s.setItem('si:draft:progress:next-step:abc:sil1', {
			status: 'in-progress',
			note: 'Phonics groups now daily.',
			evidence: '',
			[AT]: old,
			[PAGE]: '/schools/ashcombe/next-steps/next-step:abc',
			[WHERE]: 'Next step · Ashcombe'
		});
		expect(show(s)).toEqual([
			{
				key: 'si:draft:progress:next-step:abc:sil1',
				tab: null,
				title: 'A progress update on a next step',
				form: 'progress',
				record: 'next-step:abc',
				at: old,
				page: '/schools/ashcombe/next-steps/next-step:abc',
				where: 'Next step · Ashcombe',
				// Blank fields and the `@…` members are not typing; labels and choices are the form's own.
				typed: [
					{ field: 'status', label: 'Status', text: 'In progress' },
					{ field: 'note', label: 'What has happened', text: 'Phonics groups now daily.' }
				],
				values: {
					status: 'in-progress',
					note: 'Phonics groups now daily.',
					evidence: ''
				},
				choices: 0
			}
		]);
	});

	it('names the visit calendar’s typing, each box by its term as the calendar labels it', () => {
		const s = new MemoryStorage();
		s.setItem('si:draft:calendar:admin', {
			'focus-1': '',
			'documents-2': 'School improvement plan\nAttendance summary',
			[AT]: old,
			[PAGE]: '/admin/calendar',
			[WHERE]: 'Visit calendar'
		});
		const [draft] = show(s, 'admin');
		expect(draft).toMatchObject({
			title: 'A change to the trust’s visit calendar',
			form: 'calendar',
			record: null,
			page: '/admin/calendar',
			typed: [
				{
					field: 'documents-2',
					label: 'Term 3: Documents provided before the visit',
					text: 'School improvement plan\nAttendance summary'
				}
			],
			choices: 0
		});
	});

	it('leaves alone a draft typed a moment ago, one whose form is open, and one with nothing typed', () => {
		const s = new MemoryStorage();
		s.setItem('si:draft:reason:next-step:1:sil1', { reason: 'Too soon.', [AT]: NOW - 60_000 });
		s.setItem('si:draft:reason:next-step:2:sil1', { reason: 'Not agreed.', [AT]: old });
		// The mark's update keeps the values it opened on: that is not typing.
		s.setItem('si:draft:vulnerable-edit:mark:1:sil1', { from: '{}', supportPlan: ' ', [AT]: old });
		const release = holdDraft('si:draft:reason:next-step:2:sil1');
		expect(show(s)).toEqual([]);
		// The form closed (the step settled elsewhere, or the person went to another screen).
		release();
		expect(show(s).map((d) => d.key)).toEqual(['si:draft:reason:next-step:2:sil1']);
	});

	it('counts a draft kept before its time was noted as old, and reads a grid’s cells', () => {
		const s = new MemoryStorage();
		s.setItem('si:draft:figures:ashcombe/2025-26:sil1', { 'ks2-rwm|disadvantaged': '54' });
		expect(show(s)).toEqual([
			{
				key: 'si:draft:figures:ashcombe/2025-26:sil1',
				tab: null,
				title: 'Attainment figures typed into the grid',
				form: 'figures',
				record: 'ashcombe/2025-26',
				at: null,
				page: null,
				where: null,
				typed: [{ field: 'ks2-rwm|disadvantaged', label: 'ks2-rwm, disadvantaged', text: '54' }],
				values: { 'ks2-rwm|disadvantaged': '54' },
				choices: 0
			}
		]);
	});

	it('reads only this person’s drafts, and never links away from the app', () => {
		const s = new MemoryStorage();
		s.setItem('si:draft:concern:visit:1:ceo1', { title: 'Not mine', [AT]: old });
		s.setItem('si:unsaved:school-ashcombe/visit:1:sil1', { db: 'x', id: 'y', base: {}, draft: {} });
		s.setItem('si:draft:concern:visit:1:sil1', {
			title: 'Site security',
			[AT]: old,
			[PAGE]: '//elsewhere.example/x'
		});
		s.setItem('si:draft:merge:broken:sil1', '{not json');
		const [only, ...rest] = show(s);
		expect(rest).toEqual([]);
		expect(only).toMatchObject({ title: 'A concern being raised', page: null });
		expect(only?.typed).toEqual([{ field: 'title', label: 'Short title', text: 'Site security' }]);
	});

	it('keeps choices made as codes off the list but counts them, and writes dates as people do', () => {
		const s = new MemoryStorage();
		s.setItem('si:draft:next-step:visit:1:sil1', {
			action: '',
			dueDate: '2027-03-05',
			dueTerm: '',
			areaId: 'quality-of-education',
			[AT]: old
		});
		s.setItem('si:draft:situation:ashcombe:sil1', { to: '{"strand":"corrective"}', [AT]: old });
		expect(show(s).map((d) => [d.typed, d.choices])).toEqual([
			[[{ field: 'dueDate', label: 'Due date', text: 'Fri 5 Mar 2027' }], 1],
			[[], 1]
		]);
	});

	it('leaves out a review’s own defaults (its kind, “Ofsted”, the day it was typed): only what was typed counts', () => {
		const s = new MemoryStorage();
		const day = new Date(old);
		const typedOn = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
		const defaults = { kind: 'ofsted', on: typedOn, reviewer: 'Ofsted', framework: 'ofsted-2025' };
		// Kept before only typing was kept: nothing but the form's defaults is nothing at all.
		s.setItem('si:draft:review:ashcombe:sil1', { ...defaults, headline: '', [AT]: old });
		s.setItem('si:draft:review:kingsmead:sil1', {
			...defaults,
			headline: 'Strong reading.',
			[AT]: old
		});
		s.setItem('si:draft:review:oakfield:sil1', {
			...defaults,
			on: '2026-01-15',
			reviewer: 'Ofsted (lead: J. Smith)',
			[AT]: old
		});
		expect(show(s).map((d) => [d.record, d.typed.map((t) => `${t.label}: ${t.text}`)])).toEqual([
			['kingsmead', ['Headline: Strong reading.']],
			['oakfield', ['Date: Thu 15 Jan 2026', 'Who: Ofsted (lead: J. Smith)']]
		]);
		expect(
			readKeptDrafts(s, 'sil1')
				.filter(hasSomething)
				.map((d) => d.record)
		).toEqual(['kingsmead', 'oakfield']);
	});
});

describe('the name of every form whose typing is kept', () => {
	// Every `new KeptDraft(() => \`form:…\`` and `new KeptCells(…)` in the app, read from its source:
	// a form added without a name in `DRAFT_FORMS` would be listed on the Sync page as "A form".
	const src = join(import.meta.dirname, '../..');
	const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
		(f) => /\.(svelte|ts)$/.test(f) && !/\.test\.ts$/.test(f)
	);
	const made = files.flatMap((f) => {
		const text = readFileSync(join(src, f), 'utf8');
		return [
			...text.matchAll(/new Kept(?:Draft|Cells)\b[^(]*\(\s*(?:\(\)\s*=>\s*[`'"]([a-z-]+))?/g)
		].map((m) => ({
			file: f,
			// The key's first part, up to its `:` (or the whole key when it has none).
			form: m[1] ?? `unread: ${text.slice(m.index, m.index + 60)}`
		}));
	});

	it('finds the forms in the source', () => {
		expect(made.length).toBeGreaterThanOrEqual(19);
		expect(made.map((m) => m.form)).toContain('school-details');
	});

	it('names each of them', () => {
		for (const { file, form } of made) {
			expect(DRAFT_FORMS, `${file} keeps a draft of "${form}"`).toHaveProperty([form]);
		}
	});

	it('lists the school-details form by its name and its boxes by their labels', () => {
		const s = new MemoryStorage();
		s.setItem('si:draft:school-details:ashcombe:admin1', {
			name: 'Ashcombe CE Primary School',
			phase: 'all-through',
			[AT]: old,
			[PAGE]: '/admin/schools/ashcombe'
		});
		expect(show(s, 'admin1')).toMatchObject([
			{
				title: 'A change to a school’s details',
				form: 'school-details',
				record: 'ashcombe',
				typed: [{ field: 'name', label: 'School name', text: 'Ashcombe CE Primary School' }],
				choices: 1
			}
		]);
	});

	it('lists a discussion area being added in the record’s own words, as the plan and calendar say', () => {
		const s = new MemoryStorage();
		s.setItem('si:draft:area:visit:2026-27:t3:abc:sil1', {
			area: 'Reading',
			[AT]: old,
			[PAGE]: '/visits/visit%3A2026-27%3At3%3Aabc'
		});
		expect(show(s)).toMatchObject([
			{
				title: 'A discussion area being added to a visit record',
				form: 'area',
				typed: [{ field: 'area', label: 'Add a discussion area', text: 'Reading' }]
			}
		]);
		// The label is the record's box's own.
		const editor = readFileSync(join(src, 'lib/components/booklet/BookletEditor.svelte'), 'utf8');
		expect(editor).toMatch(/<label for="new-area"\s*>Add a discussion area </);
	});
});

describe('a visit record’s draft', () => {
	const read = (value: Record<string, string>) => {
		const s = new MemoryStorage();
		s.setItem('si:draft:visit:visit:2026-27:t2:abc:sil1', { ...value, [AT]: 1 });
		return readKeptDrafts(s, 'sil1')[0]!;
	};
	const labels = (typed: readonly { label: string }[]) => typed.map((t) => t.label);

	it('is the visitor’s addendum when its visitor typed it', () => {
		const named = nameVisitDraft(read({ text: 'The phonics review was moved.' }).typed, true);
		expect(named.title).toBe('An addendum to a visit record');
		expect(labels(named.typed)).toEqual(['Addendum']);
		expect(named.typed[0]!.text).toBe('The phonics review was moved.');
	});

	it('is the head’s comment, or disagreement, when anyone else typed it', () => {
		const comment = nameVisitDraft(read({ text: 'Thank you.' }).typed, false);
		expect(comment.title).toBe('A comment on confirming a visit record');
		expect(labels(comment.typed)).toEqual(['Comment']);
		const reason = nameVisitDraft(read({ reason: 'Maths is missing.' }).typed, false);
		expect(reason.title).toBe('A disagreement with a visit record');
		expect(labels(reason.typed)).toEqual(['What does not reflect the discussion']);
		const both = nameVisitDraft(
			read({ text: 'Thank you.', reason: 'Maths is missing.' }).typed,
			false
		);
		expect(both.title).toBe('A comment or a disagreement on a visit record');
		expect(labels(both.typed).sort()).toEqual(['Comment', 'What does not reflect the discussion']);
	});

	it('names both boxes while this device does not hold the record', () => {
		const entry = read({ text: 'Thank you.' });
		const named = nameVisitDraft(entry.typed, undefined);
		expect(named.title).toBe(entry.title);
		expect(labels(named.typed)).toEqual(['Comment or addendum']);
	});
});
