import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { learningWalk, visit } from '../../../tests/unit/fixtures';
import { LearningWalk, VisitRecord, type PendingChoice } from '$lib/domain';
import { takeIn, takeInAtFocus } from '$lib/state/rebase';
import { BOOKLET_FIELDS, saveBooklet, saveWalk } from './visits';
import { RecordRefused, type WriteContext } from './repository';

// Two tabs (or devices) with the same booklet open: each form keeps the revision it opened on and
// its draft, and a save writes merge3(base, draft, latest) to a real PouchDB database.

let n = 0;
let pouch: PouchDB.Database;
const sil = { name: 'sil', roles: ['sil', 'school:oakfield'] };
const tab = (device: string): WriteContext => ({ user: sil, dbFor: () => pouch, device });
const laptop = tab('Chromium on Linux, signed in 25 Nov');
const tablet = tab('Safari on iPad, signed in 24 Nov');

beforeEach(() => {
	n++;
	pouch = new PouchDB(`save-changes-${n}`);
});
afterEach(async () => {
	await pouch.destroy();
});

async function stored(): Promise<VisitRecord> {
	return VisitRecord.parse(await pouch.get('visit:2026-27:t2:v1'));
}

/** A form opened on the record as it is now: its base, and a draft to type into. */
async function openForm() {
	const base = await stored();
	return { base, draft: structuredClone(base) };
}

beforeEach(async () => {
	await pouch.put(visit({ status: 'draft' }) as PouchDB.Core.PutDocument<object>);
});

describe('saving a form writes what the person changed, not their whole copy', () => {
	it('keeps both forms’ edits to different fields and different items', async () => {
		const one = await openForm();
		const two = await openForm();

		one.draft.focus = 'Reading across the curriculum';
		one.draft.discussion[0]!.strengths = 'Fluent readers in year 2';
		await saveBooklet(laptop, one.base, one.draft);

		two.draft.discussion[0]!.evidence = 'Book looks and pupil voice';
		two.draft.discussion.push({
			id: 'maths1',
			area: 'Maths',
			evidence: 'Year 4 books: place value',
			strengths: '',
			development: ''
		});
		two.draft.daysUsed = 1.5;
		await saveBooklet(tablet, two.base, two.draft);

		const after = await stored();
		expect(after.focus).toBe('Reading across the curriculum');
		expect(after.daysUsed).toBe(1.5);
		expect(after.discussion.map((d) => d.area)).toEqual(['Reading', 'Maths']);
		expect(after.discussion[0]).toMatchObject({
			evidence: 'Book looks and pupil voice',
			strengths: 'Fluent readers in year 2'
		});
		expect(after.discussion[1]!.evidence).toBe('Year 4 books: place value');
		expect(after.choices ?? []).toEqual([]);
		expect(after.edit).toMatchObject({ by: 'sil', device: 'Safari on iPad, signed in 24 Nov' });
	});

	it('keeps both texts of the same field as a choice, naming each device', async () => {
		const one = await openForm();
		const two = await openForm();
		one.draft.focus = 'Phonics in year 1';
		await saveBooklet(laptop, one.base, one.draft);
		two.draft.focus = 'Attendance of disadvantaged pupils';
		await saveBooklet(tablet, two.base, two.draft);

		const after = await stored();
		// The record shows the latest save's text until someone chooses; neither text is lost.
		expect(after.focus).toBe('Attendance of disadvantaged pupils');
		const choices = after.choices as PendingChoice[];
		expect(choices).toHaveLength(1);
		expect(choices[0]!.path).toEqual(['focus']);
		expect(choices[0]!.base).toBe('Joint activities linked to school priorities');
		expect(choices[0]!.options.map((o) => [o.value, o.device])).toEqual([
			['Attendance of disadvantaged pupils', 'Safari on iPad, signed in 24 Nov'],
			['Phonics in year 1', 'Chromium on Linux, signed in 25 Nov']
		]);
	});

	it('removing an area on one tab and writing in another area on the other keeps the right ones', async () => {
		await saveBooklet(laptop, await stored(), {
			...(await stored()),
			discussion: [
				...(await stored()).discussion,
				{ id: 'maths1', area: 'Maths', evidence: '', strengths: '', development: '' }
			]
		});
		const one = await openForm();
		const two = await openForm();
		one.draft.discussion = one.draft.discussion.filter((d) => d.area !== 'Maths');
		await saveBooklet(laptop, one.base, one.draft);
		two.draft.discussion[0]!.development = 'Inference in year 5';
		await saveBooklet(tablet, two.base, two.draft);

		const after = await stored();
		expect(after.discussion.map((d) => d.area)).toEqual(['Reading']);
		expect(after.discussion[0]!.development).toBe('Inference in year 5');
	});

	it('still refuses to change a record shared with the headteacher', async () => {
		const one = await openForm();
		const latest = await pouch.get('visit:2026-27:t2:v1');
		await pouch.put({ ...latest, status: 'shared' });
		one.draft.focus = 'Changed after sharing';
		await expect(saveBooklet(laptop, one.base, one.draft)).rejects.toBeInstanceOf(RecordRefused);
		expect((await stored()).focus).toBe('Joint activities linked to school priorities');
	});

	it('a planned visit becomes a draft on its first save', async () => {
		const latest = await pouch.get('visit:2026-27:t2:v1');
		await pouch.put({ ...latest, status: 'planned' });
		const one = await openForm();
		one.draft.focus = 'First words';
		await saveBooklet(laptop, one.base, one.draft);
		expect((await stored()).status).toBe('draft');
	});
});

describe('an open form taking in a revision from elsewhere', () => {
	it('shows the other tab’s change, keeps its own typing, and still records a clash as a choice', async () => {
		const two = await openForm();
		// Tab 2 is typing in the focus; the text is not saved yet.
		two.draft.focus = 'Tab two’s focus';

		const one = await openForm();
		one.draft.focus = 'Tab one’s focus';
		one.draft.daysUsed = 2;
		one.draft.discussion[0]!.evidence = 'Tab one’s evidence';
		const written = await saveBooklet(laptop, one.base, one.draft);

		// The read model delivers tab 1's revision to tab 2.
		const after = takeIn(two.base, two.draft, written, BOOKLET_FIELDS);
		expect(after.draft.focus).toBe('Tab two’s focus');
		expect(after.draft.daysUsed).toBe(2);
		expect(after.draft.discussion[0]!.evidence).toBe('Tab one’s evidence');

		// Tab 1 changes the days again; tab 2 took in the first change, so it is not tab 2's.
		const again = await openForm();
		again.draft.daysUsed = 2.5;
		await saveBooklet(laptop, again.base, again.draft);

		await saveBooklet(tablet, after.base, { ...after.base, ...after.draft });
		const final = await stored();
		expect(final.daysUsed).toBe(2.5);
		expect(final.discussion[0]!.evidence).toBe('Tab one’s evidence');
		// The focus both tabs changed: tab 2's text shows, tab 1's is kept beside it.
		expect(final.focus).toBe('Tab two’s focus');
		const choice = (final.choices as PendingChoice[]).find((c) => c.path.join() === 'focus');
		expect(choice?.options.map((o) => o.value).sort()).toEqual([
			'Tab one’s focus',
			'Tab two’s focus'
		]);
	});

	it('does not change the field the person is in, and a later edit of it is still a clash', async () => {
		const two = await openForm();
		const one = await openForm();
		one.draft.focus = 'Tab one’s focus';
		const written = await saveBooklet(laptop, one.base, one.draft);

		// Tab 2's cursor is in the focus: it is kept as it was, though tab 2 has not typed yet.
		const after = takeIn(two.base, two.draft, written, BOOKLET_FIELDS, [['focus']]);
		expect(after.draft.focus).toBe('Joint activities linked to school priorities');

		after.draft.focus = 'Joint activities linked to school priorities, and reading';
		await saveBooklet(tablet, after.base, { ...after.base, ...after.draft });
		const final = await stored();
		const choice = (final.choices as PendingChoice[]).find((c) => c.path.join() === 'focus');
		expect(choice?.options.map((o) => o.value).sort()).toEqual([
			'Joint activities linked to school priorities, and reading',
			'Tab one’s focus'
		]);
	});
});

describe('an open form taking in a revision with the focus on a select or tick box', () => {
	const grade = ['evaluations', 'achievement', 'gradeId'];

	it('shows the value from elsewhere in one the person has not changed, and asks nothing', async () => {
		const two = await openForm();
		const one = await openForm();
		one.draft.evaluations[0]!.gradeId = 'strong';
		one.draft.documents[0]!.seen = false;
		const written = await saveBooklet(laptop, one.base, one.draft);

		for (const path of [grade, ['documents', 'SEF', 'seen']]) {
			const after = takeInAtFocus(two.base, two.draft, written, BOOKLET_FIELDS, {
				path,
				pick: true
			});
			expect(after.news).toBe('now');
			expect(after.draft.evaluations[0]!.gradeId).toBe('strong');
			expect(after.draft.documents[0]!.seen).toBe(false);
			await saveBooklet(tablet, after.base, { ...after.base, ...after.draft });
			expect((await stored()).choices ?? []).toEqual([]);
		}
	});

	it('keeps the person’s unsaved pick, and its save keeps both as a choice', async () => {
		const two = await openForm();
		// Tab 2 has just picked a grade; the save is a moment away.
		two.draft.evaluations[0]!.gradeId = 'exceptional';
		const one = await openForm();
		one.draft.evaluations[0]!.gradeId = 'strong';
		const written = await saveBooklet(laptop, one.base, one.draft);

		const after = takeInAtFocus(two.base, two.draft, written, BOOKLET_FIELDS, {
			path: grade,
			pick: true
		});
		expect(after.news).toBe('both');
		expect(after.draft.evaluations[0]!.gradeId).toBe('exceptional');
		await saveBooklet(tablet, after.base, { ...after.base, ...after.draft });
		const final = await stored();
		expect(final.evaluations[0]!.gradeId).toBe('exceptional');
		const choice = (final.choices as PendingChoice[]).find((c) => c.path.join() === grade.join());
		expect(choice?.options.map((o) => o.value).sort()).toEqual(['exceptional', 'strong']);
	});
});

describe('a form’s save joins text the two changed in different paragraphs', () => {
	const joining = (ctx: WriteContext): WriteContext => ({ ...ctx, joinTexts: true });
	const paragraphs = (...p: string[]) => p.join('\n\n');
	const evidence = async () => (await stored()).discussion[0]!.evidence;

	beforeEach(async () => {
		const form = await openForm();
		form.draft.discussion[0]!.evidence = paragraphs(
			'Book looks.',
			'Pupil voice.',
			'Lesson visits.'
		);
		await saveBooklet(laptop, form.base, form.draft);
	});

	/** A form as `takeIn` leaves it after a save: the record it now stands on, and its boxes. */
	type Form = ReturnType<typeof takeIn<VisitRecord, (typeof BOOKLET_FIELDS)[number]>>;
	/**
	 * The tablet's person types on at the end of the first area's evidence, with a save after each
	 * piece, the cursor staying in the box (`takeIn` keeps `path` as typed). Returns the form.
	 */
	async function typeOn(form: Form, path: string[], pieces: string[]): Promise<Form> {
		for (const more of pieces) {
			form.draft.discussion[0]!.evidence += more;
			const sent = { ...form.base, ...form.draft };
			const written = await saveBooklet(joining(tablet), form.base, sent);
			form = takeIn(sent, sent, written, BOOKLET_FIELDS, [path]);
		}
		return form;
	}

	/** A second form open on the record, whose first paragraph a first form then changed. */
	async function otherParagraphSaved() {
		const one = await openForm();
		const two = await openForm();
		one.draft.discussion[0]!.evidence = paragraphs(
			'Book looks in Year 4.',
			'Pupil voice.',
			'Lesson visits.'
		);
		await saveBooklet(joining(laptop), one.base, one.draft);
		return two;
	}

	it('keeps both paragraphs, with no choice', async () => {
		const two = await otherParagraphSaved();
		two.draft.discussion[0]!.evidence = paragraphs(
			'Book looks.',
			'Pupil voice.',
			'Lesson visits: Year 6.'
		);
		await saveBooklet(joining(tablet), two.base, two.draft);

		expect(await evidence()).toBe(
			paragraphs('Book looks in Year 4.', 'Pupil voice.', 'Lesson visits: Year 6.')
		);
		expect((await stored()).choices ?? []).toEqual([]);
	});

	it('but not in the save of a kept note, whose base may be older than the record', async () => {
		const two = await otherParagraphSaved();
		two.draft.discussion[0]!.evidence = paragraphs(
			'Book looks.',
			'Pupil voice.',
			'Lesson visits: Year 6.'
		);
		await saveBooklet(tablet, two.base, two.draft);

		const choices = (await stored()).choices as PendingChoice[];
		expect(choices.map((c) => c.options.length)).toEqual([2]);
	});

	it('goes on joining while the person types on in the box the other paragraph came into', async () => {
		const two = await otherParagraphSaved();

		// Tab 2's cursor is in the evidence: it types its paragraph and its save joins the two.
		const path = ['discussion', two.draft.discussion[0]!.id, 'evidence'];
		two.draft.discussion[0]!.evidence = paragraphs(
			'Book looks.',
			'Pupil voice.',
			'Lesson visits: Year 6'
		);
		const sent = { ...two.base, ...two.draft };
		const written = await saveBooklet(joining(tablet), two.base, sent);
		const form = takeIn(sent, sent, written, BOOKLET_FIELDS, [path]);
		// The box still shows what was typed there, not the first paragraph that came in.
		expect(form.draft.discussion[0]!.evidence).toBe(
			paragraphs('Book looks.', 'Pupil voice.', 'Lesson visits: Year 6')
		);

		await typeOn(form, path, [', maths', ' and English.']);
		expect(await evidence()).toBe(
			paragraphs(
				'Book looks in Year 4.',
				'Pupil voice.',
				'Lesson visits: Year 6, maths and English.'
			)
		);
		expect((await stored()).choices ?? []).toEqual([]);
	});

	it('goes on joining while the person types on in the line the other’s sentence was joined into', async () => {
		const one = await openForm();
		const two = await openForm();
		const path = ['discussion', two.draft.discussion[0]!.id, 'evidence'];
		const last = 'Lesson visits.';
		const inLast = (line: string) => paragraphs('Book looks.', 'Pupil voice.', line);

		// Both add a sentence to the last paragraph; the laptop's is written first.
		one.draft.discussion[0]!.evidence = inLast(`${last} Year 6 seen.`);
		await saveBooklet(joining(laptop), one.base, one.draft);
		two.draft.discussion[0]!.evidence = inLast(`${last} Maths books checked.`);
		const sent = { ...two.base, ...two.draft };
		const written = await saveBooklet(joining(tablet), two.base, sent);
		expect(await evidence()).toBe(inLast(`${last} Year 6 seen. Maths books checked.`));
		// The tablet's cursor is in the box, which keeps what was typed there; the person types on.
		const form = takeIn(sent, sent, written, BOOKLET_FIELDS, [path]);
		expect(form.draft.discussion[0]!.evidence).toBe(inLast(`${last} Maths books checked.`));
		await typeOn(form, path, [' Handwriting', ' improving.']);
		expect(await evidence()).toBe(
			inLast(`${last} Year 6 seen. Maths books checked. Handwriting improving.`)
		);
		expect((await stored()).choices ?? []).toEqual([]);
	});
});

describe('a learning walk’s photo captions saved from two tabs', () => {
	const P1 = 'photo-1-aaaaaa.jpg';
	const P2 = 'photo-2-bbbbbb.jpg';
	const walkId = learningWalk()._id;
	const openWalkForm = async () => {
		const base = LearningWalk.parse(await pouch.get(walkId));
		return { base, draft: structuredClone(base) };
	};

	beforeEach(async () => {
		await pouch.put(learningWalk() as PouchDB.Core.PutDocument<object>);
	});

	it('keeps the caption of each photo, typed in each tab, and asks nothing', async () => {
		const one = await openWalkForm();
		const two = await openWalkForm();
		one.draft.rooms[0]!.captions = { [P1]: 'Year 5 working wall' };
		await saveWalk(laptop, one.base, one.draft);
		two.draft.rooms[0]!.captions = { [P2]: 'Display of persuasive letters' };
		await saveWalk(tablet, two.base, two.draft);

		const after = LearningWalk.parse(await pouch.get(walkId));
		expect(after.rooms[0]!.captions).toEqual({
			[P1]: 'Year 5 working wall',
			[P2]: 'Display of persuasive letters'
		});
		expect(after.choices ?? []).toEqual([]);
	});

	it('refuses a caption longer than a caption holds, on the device as on the server', async () => {
		const one = await openWalkForm();
		one.draft.rooms[0]!.captions = { [P1]: 'x'.repeat(121) };
		await expect(saveWalk(laptop, one.base, one.draft)).rejects.toBeInstanceOf(RecordRefused);
	});
});
