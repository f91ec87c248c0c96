import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
	DEFAULT_ATTAINMENT_FRAMEWORK,
	NextStep,
	SCHEMA_VERSION,
	VisitRecord,
	type AcademicYear,
	type EvaluationFramework,
	type GovernorsCopy,
	type School
} from '$lib/domain';
import { governorsReport, termTitle, type ReportContext } from '$lib/reports/build';
import { nextStep, visit, year } from '../../../tests/unit/fixtures';
import { openMemoryDb, uniqueName } from '../../../tests/unit/memory-pouch';
import type { SchoolYear } from './overviews';
import { governorsSummaries, sendGovernorsSummary } from './governors';
import type { WriteContext } from './repository';

// Stop 45: the chair of governors' copy is written from the report the screen builds. Whatever a
// school's valid records say, the copy must be accepted: a limit the records can pass would refuse
// that school's copy every term.

const opened: PouchDB.Database[] = [];
afterEach(async () => {
	await Promise.all(opened.splice(0).map((db) => db.close().catch(() => undefined)));
});

/** Texts of any length the records allow, their longest often: where a limit bites. */
const text = (max: number, min = 0) =>
	fc.oneof(fc.constant(max), fc.integer({ min, max })).map((n) => 'w'.repeat(n));
const label = text(200, 1);
/** Lists as long as the records allow, often. */
const list = <T>(item: fc.Arbitrary<T>, max: number) =>
	fc
		.oneof(fc.constant(max), fc.integer({ min: 0, max }))
		.chain((n) => fc.array(item, { minLength: n, maxLength: n }));

// A trust's own framework, its 20 areas and grades named at the longest a label may be.
const longFramework: EvaluationFramework = {
	_id: 'framework:long',
	schemaVersion: SCHEMA_VERSION,
	type: 'evaluation-framework',
	id: 'long',
	name: 'Long',
	areas: Array.from({ length: 20 }, (_, i) => ({ id: `area-${i}`, label: 'a'.repeat(200) })),
	scale: [
		{ id: 'good', label: 'g'.repeat(200), rag: 'green' },
		{ id: 'weak', label: 'r'.repeat(200), rag: 'red' }
	],
	safeguarding: false
};

const stamp = { by: 'sil', at: '2026-11-20T10:00:00.000Z' };

const confirmedVisit = (i: number) =>
	fc
		.record({
			attendees: list(fc.record({ name: label, role: text(200) }), 50),
			focus: text(2000),
			activities: list(label, 50),
			discussion: list(
				fc.record({ area: label, strengths: text(10_000), development: text(10_000) }),
				30
			),
			comments: list(text(2000), 20),
			addenda: list(text(10_000, 1), 100)
		})
		.map((r) =>
			visit({
				_id: `visit:2026-27:t2:v${i}`,
				schoolId: 'oakfield',
				status: 'confirmed',
				confirmation: { ...stamp, comment: '' },
				frameworkId: 'long',
				attendees: r.attendees.map((a, j) => ({ id: `att${j}`, ...a })),
				focus: r.focus,
				activities: r.activities.map((l) => ({ label: l, done: true })),
				discussion: r.discussion.map((d, j) => ({ id: `area${j}`, evidence: '', ...d })),
				evaluations: r.comments.map((comment, j) => ({
					areaId: `area-${j}`,
					gradeId: j % 2 ? 'weak' : 'good',
					comment
				})),
				addenda: r.addenda.map((t, j) => ({ ...stamp, id: `add${j}`, text: t }))
			})
		);

const records = fc.record({
	termName: label,
	visits: fc
		.integer({ min: 0, max: 6 })
		.chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => confirmedVisit(i)))),
	steps: fc.array(fc.record({ action: text(2000, 1), owner: label, note: text(2000, 1) }), {
		maxLength: 40
	}),
	copiesTo: fc.array(label, { maxLength: 12 })
});

describe('the chair of governors’ copy', () => {
	it('is accepted for every report valid records make', async () => {
		await fc.assert(
			fc.asyncProperty(records, async (r) => {
				const longYear: AcademicYear = {
					...year,
					terms: year.terms.map((t) => ({ ...t, name: r.termName }))
				};
				const visits = r.visits.map((v) => VisitRecord.parse(v));
				const steps = r.steps.map((s, i) => ({
					step: NextStep.parse(
						nextStep({ _id: `next-step:2026-27:${i}`, action: s.action, owner: s.owner })
					),
					status: 'in-progress' as const,
					agreement: 'agreed' as const,
					lastNote: s.note
				}));
				const school = {
					_id: 'school:oakfield',
					schemaVersion: SCHEMA_VERSION,
					type: 'school',
					id: 'oakfield',
					name: 'Oakfield Primary',
					phase: 'primary',
					category: '3',
					strand: 'corrective',
					carterStage: 'repair'
				} as School;
				const sy: SchoolYear = {
					school,
					visits,
					steps,
					booklet: null,
					overviews: new Map(),
					marks: []
				};
				const ctx: ReportContext = {
					trustName: 'Riverside Learning Trust',
					year: longYear,
					term: 2,
					framework: longFramework,
					frameworks: new Map([[longFramework.id, longFramework]]),
					attainmentFramework: DEFAULT_ATTAINMENT_FRAMEWORK,
					threshold: 5,
					today: '2026-11-23'
				};
				const copies = r.copiesTo.map((to, i): GovernorsCopy => ({
					_id: `governors-copy:2026-27:${i}`,
					schemaVersion: SCHEMA_VERSION,
					type: 'governors-copy',
					schoolId: 'oakfield',
					year: '2026-27',
					term: 2,
					sentOn: '2026-11-20',
					to,
					...stamp
				}));
				const report = governorsReport(sy, ctx, copies);
				const db = openMemoryDb(uniqueName('governors'));
				opened.push(db);
				const wctx: WriteContext = {
					user: { name: 'sil', roles: ['sil', 'school:oakfield'] },
					dbFor: () => db
				};
				// As the report screen sends it: the term named as the report names it.
				await sendGovernorsSummary(wctx, {
					schoolId: 'oakfield',
					schoolName: school.name,
					year: '2026-27',
					term: 2,
					sentOn: '2026-11-20',
					report: { ...report, termLabel: termTitle(longYear, 2) }
				});
				expect(await governorsSummaries(wctx, 'oakfield')).toHaveLength(1);
				await db.close();
			}),
			{ numRuns: 25 }
		);
	}, 120_000);
});
