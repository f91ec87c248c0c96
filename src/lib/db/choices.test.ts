import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { head, sil, visit } from '../../../tests/unit/fixtures';
import type { PendingChoice } from '$lib/domain';
import {
	choose,
	describeChoices,
	joinTexts,
	loadRecordChoices,
	mayChoose,
	optionMoments,
	settleConfirmedChoice
} from './choices';
import type { NameContext } from './names';
import { RecordRefused, type WriteContext } from './repository';

const DB = 'school-oakfield';
let n = 0;
let pouch: PouchDB.Database;
const ctxFor = (user: { name: string; roles: string[] }): WriteContext => ({
	user,
	dbFor: () => pouch
});
const names: NameContext = {
	schoolName: () => 'Oakfield Primary',
	evaluationFramework: () => undefined,
	attainmentFramework: undefined
};
const stamp = {
	by: 'sil',
	device: 'Chromium on Linux, signed in 25 Nov',
	at: '2026-11-25T17:00:00.000Z'
};

const focusChoice: PendingChoice = {
	path: ['focus'],
	baseKnown: true,
	base: 'Reading',
	options: [
		{ value: 'Reading in year 3', by: 'sil', device: 'Laptop', at: '2026-11-25T16:39:00.000Z' },
		{ value: 'Reading in year 4', by: 'sil', device: 'Tablet', at: '2026-11-25T16:40:00.000Z' }
	]
};
const evidenceChoice: PendingChoice = {
	path: ['discussion', 'a1', 'evidence'],
	baseKnown: false,
	options: [
		{ value: 'Book looks', by: 'sil', device: 'Laptop', at: '2026-11-25T16:39:00.000Z' },
		{ value: 'Pupil voice', by: 'sil', device: 'Tablet', at: '2026-11-25T16:40:00.000Z' }
	]
};

const VISIT = 'visit:2026-27:t2:v1';
const doc = () =>
	visit({
		status: 'draft',
		focus: 'Reading in year 3',
		discussion: [
			{ id: 'a1', area: 'Reading', evidence: 'Book looks', strengths: '', development: '' },
			{ id: 'a2', area: 'Maths', evidence: 'Lesson visits', strengths: '', development: '' }
		] as never,
		choices: [focusChoice, evidenceChoice]
	});

beforeEach(async () => {
	n++;
	pouch = new PouchDB(`choices-${n}`);
	await pouch.put(doc() as never);
});
afterEach(async () => {
	await pouch.destroy();
});

describe('making a choice', () => {
	it('shows both texts with who, where and when, and what they started from', async () => {
		const view = describeChoices(DB, (await pouch.get(VISIT)) as never, names, {
			name: 'sil',
			fullName: 'Sam Lee'
		});
		expect(view.name.title).toBe(
			'SI discussion record, Oakfield Primary, visit on Fri 20 Nov 2026'
		);
		expect(view.choices.map((c) => c.label)).toEqual([
			'Focus of the visit',
			'Evidence of the area “Reading”'
		]);
		const [focus, evidence] = view.choices;
		expect(focus!.options.map((o) => `${o.text} | ${o.who} | ${o.device}`)).toEqual([
			'Reading in year 3 | Sam Lee (you) | Laptop',
			'Reading in year 4 | Sam Lee (you) | Tablet'
		]);
		expect(focus!.base).toBe('Reading');
		expect(focus!.text).toBe(true);
		expect(evidence!.base).toBeNull();
	});

	it('keeps both texts, each marked with its author by name, and removes only that choice', async () => {
		// Chosen by the author themselves: the record, read by everyone, never says "you".
		const view = describeChoices(DB, (await pouch.get(VISIT)) as never, names, {
			name: 'sil',
			fullName: 'Sam Lee'
		});
		const joined = joinTexts(view.choices[0]!.options);
		expect(await choose(ctxFor(sil), DB, VISIT, view.choices[0]!.key, joined, stamp)).toBe(true);
		const after = (await pouch.get(VISIT)) as Record<string, unknown>;
		expect(after.focus).toContain('Reading in year 3');
		expect(after.focus).toContain('Reading in year 4');
		expect(after.focus).toContain('[Sam Lee, Laptop]');
		expect(after.focus).toContain('[Sam Lee, Tablet]');
		expect(after.focus).not.toContain('you');
		expect(after.edit).toEqual(stamp);
		expect((after.choices as PendingChoice[]).map((c) => c.path)).toEqual([
			['discussion', 'a1', 'evidence']
		]);
	});

	it('puts the chosen text in the right item of a list and clears the last choice', async () => {
		const ctx = ctxFor(sil);
		await choose(ctx, DB, VISIT, 'focus', 'Reading in year 4', stamp);
		await choose(
			ctx,
			DB,
			VISIT,
			['discussion', 'a1', 'evidence'].join('\u0000'),
			'Pupil voice',
			stamp
		);
		const after = (await pouch.get(VISIT)) as Record<string, unknown>;
		expect(after.focus).toBe('Reading in year 4');
		expect((after.discussion as { evidence: string }[]).map((d) => d.evidence)).toEqual([
			'Pupil voice',
			'Lesson visits'
		]);
		expect(after.choices).toBeUndefined();
	});

	it('writes nothing when the choice is made on another device between its read and write', async () => {
		// The first read (the check) sees the choice; before the write, another device makes it.
		let reads = 0;
		const racing: WriteContext = {
			user: sil,
			dbFor: () =>
				({
					get: async (id: string, opts?: object) => {
						const got = await pouch.get(id, opts ?? {});
						if (reads++ === 0) {
							const other = (await pouch.get(id)) as Record<string, unknown>;
							await pouch.put({ ...other, focus: 'Reading in year 4', choices: [evidenceChoice] });
						}
						return got;
					},
					put: (d: never) => pouch.put(d)
				}) as unknown as PouchDB.Database
		};
		expect(await choose(racing, DB, VISIT, 'focus', 'Reading in year 3', stamp)).toBe(false);
		const after = (await pouch.get(VISIT)) as Record<string, unknown>;
		// Only the other device's revision: none from this one on top.
		expect(after._rev).toMatch(/^2-/);
		expect(after.focus).toBe('Reading in year 4');
	});

	it('is refused, and writes nothing, for someone the record does not belong to', async () => {
		const before = (await pouch.get(VISIT))._rev;
		await expect(
			choose(ctxFor(head), DB, VISIT, 'focus', 'x', { ...stamp, by: head.name })
		).rejects.toBeInstanceOf(RecordRefused);
		expect((await pouch.get(VISIT))._rev).toBe(before);
	});

	it('knows who makes the choice: the visitor, not the head who reads the record', async () => {
		const current = (await pouch.get(VISIT)) as never;
		expect(mayChoose(current, DB, sil)).toBe(true);
		expect(mayChoose(current, DB, head)).toBe(false);
	});

	it('lets the visitor choose while the record is shared, and tells them why not once confirmed', async () => {
		const rows = [{ db: DB, docId: VISIT }];
		const seen = async (user: typeof sil) =>
			(await loadRecordChoices(ctxFor(user), rows, names, null)).map((r) => [r.mine, r.lockedAs]);
		expect(await seen(sil)).toEqual([[true, null]]);
		for (const [status, visitor] of [
			['shared', [true, null]],
			['confirmed', [false, 'confirmed']]
		] as const) {
			const current = await pouch.get(VISIT);
			await pouch.put({ ...current, status } as never);
			expect(await seen(sil)).toEqual([visitor]);
			// The head is not its visitor: they are told the visitor chooses.
			expect(await seen(head)).toEqual([[false, null]]);
		}
	});
});

describe('a choice that reached a record after the headteacher confirmed it', () => {
	const confirm = async () => {
		const current = await pouch.get(VISIT);
		await pouch.put({
			...current,
			status: 'confirmed',
			confirmation: { by: 'head.oakfield', at: '2026-11-25T16:50:00.000Z', comment: '' }
		} as never);
	};
	const choicesNow = async () => {
		const current = (await pouch.get(VISIT)) as never;
		return describeChoices(DB, current, names, { name: 'sil', fullName: 'Sam Lee' }).choices;
	};

	it('keeps the other version as an addendum, leaving what was confirmed as it was', async () => {
		await confirm();
		const [focus] = await choicesNow();
		// The record holds the first version, as confirmed: that one is marked as the record's.
		expect(focus!.options.map((o) => o.inRecord)).toEqual([true, false]);
		expect(await settleConfirmedChoice(ctxFor(sil), DB, VISIT, focus!, true, stamp)).toBe(true);
		const after = (await pouch.get(VISIT)) as Record<string, unknown>;
		expect(after.focus).toBe('Reading in year 3');
		expect((after.choices as PendingChoice[]).map((c) => c.path)).toEqual([
			['discussion', 'a1', 'evidence']
		]);
		const addenda = after.addenda as { by: string; text: string }[];
		expect(addenda).toHaveLength(1);
		expect(addenda[0]!.by).toBe('sil');
		expect(addenda[0]!.text).toContain('Another version of “Focus of the visit”');
		expect(addenda[0]!.text).toContain('[Sam Lee, Tablet, 25 Nov 2026 at 16:40]');
		expect(addenda[0]!.text).not.toContain('(you)');
		expect(addenda[0]!.text).toContain('Reading in year 4');
		expect(addenda[0]!.text).not.toContain('Reading in year 3');
		// Made again on another device meanwhile: nothing more is written.
		const rev = (await pouch.get(VISIT))._rev;
		expect(await settleConfirmedChoice(ctxFor(sil), DB, VISIT, focus!, true, stamp)).toBe(false);
		expect((await pouch.get(VISIT))._rev).toBe(rev);
	});

	it('lets the visitor leave the other version out, and no one else settle it', async () => {
		await confirm();
		const [, evidence] = await choicesNow();
		await expect(
			settleConfirmedChoice(ctxFor(head), DB, VISIT, evidence!, false, stamp)
		).rejects.toBeInstanceOf(RecordRefused);
		expect(await settleConfirmedChoice(ctxFor(sil), DB, VISIT, evidence!, false, stamp)).toBe(true);
		const after = (await pouch.get(VISIT)) as Record<string, unknown>;
		expect(after.addenda).toEqual([]);
		expect((after.choices as PendingChoice[]).map((c) => c.path)).toEqual([['focus']]);
	});

	it('is not offered on a record still open: there the visitor chooses the version', async () => {
		const [focus] = await choicesNow();
		await expect(
			settleConfirmedChoice(ctxFor(sil), DB, VISIT, focus!, true, stamp)
		).rejects.toBeInstanceOf(RecordRefused);
	});
});

describe('when each version was typed', () => {
	const now = new Date('2026-11-23T15:00:00Z');
	const me = { who: 'Sam Lee (you)', device: 'Chromium on Linux, signed in 23 Nov' };

	it('says the minute when the versions read apart by person, device or minute', () => {
		expect(
			optionMoments(
				[
					{ ...me, at: '2026-11-23T09:05:10Z' },
					{ who: 'Ann Head', device: me.device, at: '2026-11-23T09:05:40Z' },
					{ ...me, device: 'Chrome on Android', at: '2026-11-23T09:05:50Z' }
				],
				now
			)
		).toEqual(['today at 09:05', 'today at 09:05', 'today at 09:05']);
		expect(
			optionMoments(
				[
					{ ...me, at: '2026-11-23T09:05:10Z' },
					{ ...me, at: '2026-11-23T09:06:10Z' }
				],
				now
			)
		).toEqual(['today at 09:05', 'today at 09:06']);
	});

	it('tells apart two tabs of one browser: to the second, and which was typed first', () => {
		// Listed later one first, as a choice may list them.
		expect(
			optionMoments(
				[
					{ ...me, at: '2026-11-23T09:05:41Z' },
					{ ...me, at: '2026-11-23T09:05:12Z' }
				],
				now
			)
		).toEqual([
			'today at 09:05:41, the later of the two',
			'today at 09:05:12, the earlier of the two'
		]);
		// Typed within one second: the order still tells them apart.
		const [a, b] = optionMoments(
			[
				{ ...me, at: '2026-11-23T09:05:12.100Z' },
				{ ...me, at: '2026-11-23T09:05:12.800Z' }
			],
			now
		);
		expect(a).toBe('today at 09:05:12, the earlier of the two');
		expect(b).toBe('today at 09:05:12, the later of the two');
	});

	it('orders three or more by when they were typed', () => {
		expect(
			optionMoments(
				[
					{ ...me, at: '2026-11-23T09:05:30Z' },
					{ ...me, at: '2026-11-23T09:05:10Z' },
					{ ...me, at: '2026-11-23T09:05:20Z' }
				],
				now
			)
		).toEqual([
			'today at 09:05:30, the third of 3',
			'today at 09:05:10, the first of 3',
			'today at 09:05:20, the second of 3'
		]);
	});
});
