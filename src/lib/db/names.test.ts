import { describe, expect, it } from 'vitest';
import {
	DEFAULT_ATTAINMENT_FRAMEWORK,
	OFSTED_2025,
	type EvaluationFramework,
	type FieldPath
} from '$lib/domain';
import { visit } from '../../../tests/unit/fixtures';
import { fieldLabel, isFreeText, recordName, valueText, type NameContext } from './names';

const framework = { ...OFSTED_2025, _id: 'framework:ofsted-2025' } as EvaluationFramework;
const ctx: NameContext = {
	schoolName: (id) => (id === 'oakfield' ? 'Oakfield Primary' : undefined),
	evaluationFramework: (id) => (id === framework.id ? framework : undefined),
	attainmentFramework: DEFAULT_ATTAINMENT_FRAMEWORK
};
const DB = 'school-oakfield';

const booklet = {
	...visit(),
	discussion: [
		{ id: 'k3f9c2', area: 'Reading', evidence: 'Book looks', strengths: '', development: '' }
	],
	evaluations: [{ areaId: 'curriculum-teaching', gradeId: 'strong', comment: '' }]
};
const walk = {
	type: 'learning-walk',
	schoolId: 'oakfield',
	date: '2026-11-20',
	lookFors: ['Clear learning intentions'],
	rooms: [{ id: 'r1', group: 'Year 3', subject: 'Maths', seen: [], photos: ['p1.jpg', 'p2.jpg'] }]
};
const overview = { type: 'school-overview', schoolId: 'oakfield', year: '2026-27', term: 2 };
const attainment = { type: 'attainment-booklet', schoolId: 'oakfield', year: '2026-27' };

describe('records named as people know them', () => {
	it('names each kind of record with its school and its date or term, in en-GB', () => {
		expect(recordName(DB, booklet, ctx).title).toBe(
			'SI discussion record, Oakfield Primary, visit on Fri 20 Nov 2026'
		);
		expect(recordName(DB, walk, ctx).title).toBe(
			'Learning walk, Oakfield Primary, on Fri 20 Nov 2026'
		);
		expect(recordName(DB, overview, ctx).title).toBe(
			'School overview, Oakfield Primary, Autumn 2 (term 2), 2026-27'
		);
		expect(recordName(DB, attainment, ctx).title).toBe(
			'Attainment & Achievement overview, Oakfield Primary, 2026-27'
		);
	});

	it('never shows an id, even for a record it cannot read', () => {
		const name = recordName('school-oakfield', null, ctx).title;
		expect(name).toBe('A removed record, Oakfield Primary');
		expect(recordName(DB, { type: 'something-new', _id: 'x:1' }, ctx).title).not.toContain('x:1');
	});
});

describe('fields named by the label their editor shows', () => {
	const cases: [object, FieldPath, string][] = [
		[booklet, ['focus'], 'Focus of the visit'],
		[booklet, ['daysUsed'], 'SI time used'],
		[booklet, ['visitType'], 'Kind of visit'],
		[booklet, ['discussion', 'k3f9c2', 'evidence'], 'Evidence of the area “Reading”'],
		[
			booklet,
			['discussion', 'k3f9c2', 'development'],
			'Areas for development of the area “Reading”'
		],
		[
			booklet,
			['evaluations', 'curriculum-teaching', 'comment'],
			'Comment on “Curriculum and teaching”'
		],
		[
			booklet,
			['evaluations', 'curriculum-teaching', 'gradeId'],
			'Grade for “Curriculum and teaching”'
		],
		[booklet, ['documents', 'SEF', 'seen'], 'Documents seen: “SEF”'],
		[walk, ['rooms', 'r1', 'notes'], 'Notes in the room “Year 3, Maths”'],
		[walk, ['rooms', 'r1', 'captions', 'p2.jpg'], 'What photo 2 shows in the room “Year 3, Maths”'],
		[
			walk,
			['rooms', 'r1', 'captions', 'p9.jpg'],
			'What a removed photo shows in the room “Year 3, Maths”'
		],
		[walk, ['summary'], 'What the walk showed'],
		[overview, ['commentary'], 'Your commentary'],
		[overview, ['supportPlan'], 'Support plan'],
		[
			attainment,
			['cells', 'ks2-reading-exs:disadvantaged:autumn', 'cohort'],
			'KS2 reading: expected standard, Disadvantaged, Autumn: cohort'
		],
		[
			attainment,
			['nationals', 'ks2-reading-exs:all'],
			'KS2 reading: expected standard, All pupils: national'
		]
	];
	it.each(cases)('%#: %j at %j', (doc, path, label) => {
		expect(fieldLabel(doc as never, path, ctx)).toBe(label);
	});

	it('calls a field it does not know by what it is, not by its internal name', () => {
		expect(fieldLabel(booklet, ['schemaVersion'], ctx)).toBe('Another part of this record');
		expect(fieldLabel(attainment, ['cells', 'nope:nope:nope'], ctx)).toBe('a figure');
	});
});

describe('values in words', () => {
	it('shows codes by their labels and lists as lines, never as JSON', () => {
		expect(
			valueText(booklet, ['evaluations', 'curriculum-teaching', 'gradeId'], 'strong', ctx)
		).toBe('Strong standard');
		expect(valueText(booklet, ['safeguarding'], null, ctx)).toBe('Not evaluated');
		expect(valueText(booklet, ['daysUsed'], 1.5, ctx)).toBe('1.5 days');
		expect(valueText(booklet, ['visitType'], 'send', ctx)).toBe('SEND review');
		const list = valueText(booklet, ['attendees'], [{ name: 'Ann Lee', role: 'Deputy head' }], ctx);
		expect(list).toBe('• Name: Ann Lee · Role: Deputy head');
		expect(list).not.toMatch(/[{}[\]"]/);
	});

	it('offers to keep both only for typed text', () => {
		expect(isFreeText(['focus'], ['a', 'b'])).toBe(true);
		expect(isFreeText(['safeguarding'], ['met', 'not-met'])).toBe(false);
		expect(isFreeText(['daysUsed'], [1, 2])).toBe(false);
		expect(isFreeText(['visitType'], ['send', 'peer'])).toBe(false);
	});
});

describe('the head of the school is spoken to', () => {
	const head = { name: 'head.oakfield', roles: ['head', 'school:oakfield'] };
	const asHead: NameContext = { ...ctx, reader: head };

	it('names the fields that are the head’s own as theirs, on their own school only', () => {
		expect(fieldLabel(booklet, ['confirmation'], asHead)).toBe('Your confirmation');
		expect(fieldLabel(booklet, ['confirmation', 'comment'], asHead)).toBe('Your comment');
		expect(fieldLabel(booklet, ['shared'], asHead)).toBe('Shared with you');
		expect(valueText(booklet, ['status'], 'shared', asHead)).toBe('Shared with you');
		expect(valueText(booklet, ['status'], 'confirmed', asHead)).toBe('Confirmed by you');
		expect(valueText(booklet, ['status'], 'draft', asHead)).toBe('Draft');
		const elsewhere = { ...booklet, schoolId: 'hawthorn' };
		expect(fieldLabel(elsewhere, ['confirmation'], asHead)).toBe('Confirmation by the headteacher');
		expect(valueText(elsewhere, ['status'], 'shared', asHead)).toBe('Shared with the headteacher');
	});

	it('names them about the head for everyone else, a head who is also a SIL too', () => {
		for (const reader of [
			undefined,
			null,
			{ name: 'sil', roles: ['sil', 'school:oakfield'] },
			{ name: 'exec', roles: ['head', 'sil', 'school:oakfield'] },
			{ name: 'ceo', roles: ['ceo'] }
		]) {
			const named = { ...ctx, reader };
			expect(fieldLabel(booklet, ['confirmation', 'comment'], named)).toBe(
				'The headteacher’s comment'
			);
			expect(fieldLabel(booklet, ['shared'], named)).toBe('Shared with the headteacher');
			expect(valueText(booklet, ['status'], 'confirmed', named)).toBe(
				'Confirmed by the headteacher'
			);
		}
	});
});
