import { z } from 'zod';
import { lazy } from './lazy.ts';
import {
	difference,
	bookletFigure,
	type AttainmentResult,
	type DifferenceResult
} from './attainment-calc.ts';
import {
	snapshotKey,
	type AttainmentBooklet,
	type AttainmentFramework,
	type AttainmentSnapshot
} from './attainment-schema.ts';
import {
	AcademicYearId,
	docMeta,
	IsoDate,
	IsoDateTime,
	Label,
	Slug,
	TermNumber,
	Text
} from './common.ts';

// The booklet through the year (issue 15): it is updated at the visits of terms 1, 3, 4 and 6, and
// each update keeps a snapshot of the figures, so the next one shows what changed since.

/** The terms whose visit updates the A&A booklet when the trust's calendar does not say. */
export const SNAPSHOT_TERMS = [1, 3, 4, 6] as const;

/** Whether an entry of the calendar's "completed on the day" is the A&A booklet. */
export const isAttainmentBooklet = (entry: string): boolean => /attainment/i.test(entry);

/** The terms in words, as the screens say them: "term 2", "terms 1, 3, 4 and 6". */
export function termsInWords(terms: readonly number[]): string {
	if (terms.length <= 1) return `term ${terms[0] ?? ''}`.trim();
	return `terms ${terms.slice(0, -1).join(', ')} and ${terms.at(-1)}`;
}

/**
 * The terms whose visit updates the A&A booklet: those whose calendar lists it among what is
 * completed on the day, else `SNAPSHOT_TERMS`.
 */
export function bookletTerms(
	calendar: { terms: readonly { term: number; completedOnDay: readonly string[] }[] } | null
): number[] {
	const listed = (calendar?.terms ?? [])
		.filter((t) => t.completedOnDay.some(isAttainmentBooklet))
		.map((t) => t.term);
	return listed.length ? listed : [...SNAPSHOT_TERMS];
}

/** The booklet with the figures as they stand kept as the snapshot of this visit's term. */
export function takeSnapshot(
	booklet: AttainmentBooklet,
	visit: { _id: string; term: number; date: string },
	by: string,
	at: string
): AttainmentBooklet {
	const snapshot: AttainmentSnapshot = {
		term: visit.term,
		visitId: visit._id,
		visitDate: visit.date,
		takenAt: at,
		takenBy: by,
		cells: structuredClone(booklet.cells),
		nationals: { ...booklet.nationals }
	};
	return {
		...booklet,
		snapshots: { ...booklet.snapshots, [snapshotKey(visit.term)]: snapshot }
	};
}

/** The booklet's snapshots in term order. */
export function snapshotsInOrder(booklet: AttainmentBooklet | null): AttainmentSnapshot[] {
	return Object.values(booklet?.snapshots ?? {}).sort((a, b) => a.term - b.term);
}

/** The latest snapshot, or the latest before `beforeTerm`; null when there is none. */
export function lastSnapshot(
	booklet: AttainmentBooklet | null,
	beforeTerm = 7
): AttainmentSnapshot | null {
	return (
		snapshotsInOrder(booklet)
			.filter((s) => s.term < beforeTerm)
			.pop() ?? null
	);
}

/** A snapshot read as a booklet, so that the booklet's calculations apply to it. */
export function snapshotAsBooklet(
	booklet: AttainmentBooklet,
	snapshot: AttainmentSnapshot
): AttainmentBooklet {
	return { ...booklet, cells: snapshot.cells, nationals: snapshot.nationals };
}

export interface SnapshotChangeRow {
	groupId: string;
	label: string;
	then: AttainmentResult;
	now: AttainmentResult;
	change: DifferenceResult;
}

/**
 * For one measure at one assessment point, each group's figure at the snapshot, now, and the
 * change between them (now minus then, suppressed or missing as the figures are).
 */
export function changeSinceSnapshot(
	booklet: AttainmentBooklet,
	snapshot: AttainmentSnapshot,
	framework: AttainmentFramework,
	threshold: number,
	measureId: string,
	pointId: string
): SnapshotChangeRow[] {
	const measure = framework.measures.find((m) => m.id === measureId);
	if (!measure) return [];
	const before = snapshotAsBooklet(booklet, snapshot);
	return framework.groups.map((g) => {
		const ref = { measureId, groupId: g.id, pointId };
		const then = bookletFigure(before, framework, threshold, ref);
		const now = bookletFigure(booklet, framework, threshold, ref);
		return { groupId: g.id, label: g.label, then, now, change: difference(measure, now, then) };
	});
}

export interface TrendPoint {
	/** "Term 1 visit" or "Now". */
	label: string;
	term: number | null;
	figure: AttainmentResult;
}

export interface Trend {
	points: TrendPoint[];
	/** The latest figure against the one before it that has a value. */
	change: DifferenceResult | null;
	/** "Improving", "Declining", "No change" or "Not known yet": words, never a colour alone. */
	words: string;
}

/**
 * A headline figure through the year: its value at each snapshot, then as it stands now (left out
 * when nothing changed since the last snapshot), and the direction of the latest change.
 */
export function headlineTrend(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	threshold: number,
	ref: { measureId: string; groupId: string; pointId: string }
): Trend {
	const measure = framework.measures.find((m) => m.id === ref.measureId);
	const points: TrendPoint[] = snapshotsInOrder(booklet).map((s) => ({
		label: `Term ${s.term} visit`,
		term: s.term,
		figure: bookletFigure(snapshotAsBooklet(booklet, s), framework, threshold, ref)
	}));
	const now = bookletFigure(booklet, framework, threshold, ref);
	const last = points.at(-1);
	if (!last || last.figure.display !== now.display)
		points.push({ label: 'Now', term: null, figure: now });
	const known = points.filter((p) => p.figure.kind === 'value');
	if (!measure || known.length < 2) return { points, change: null, words: 'Not known yet' };
	const change = difference(measure, known.at(-1)!.figure, known.at(-2)!.figure);
	const words =
		change.kind !== 'value'
			? 'Not known yet'
			: { better: 'Improving', worse: 'Declining', same: 'No change' }[change.direction];
	return { points, change, words };
}

// ---------------------------------------------------------------------------------------------
// Copies of the yearly summary sent to the chair of governors

export const governorsCopyDocId = (year: string, uuid: string) => `governors-copy:${year}:${uuid}`;

/**
 * A termly copy of the yearly summary of visits sent to the chair of governors (DOMAIN.md: "each
 * term the chair of governors gets an updated copy"): when, to whom, and who recorded it, with their
 * full name as written then (`byName`; copies recorded before it was kept have none). A new document
 * each time, never edited, like a progress update.
 */
export const GovernorsCopy = lazy(() =>
	z.object({
		...docMeta,
		type: z.literal('governors-copy'),
		schoolId: Slug,
		year: AcademicYearId,
		term: TermNumber,
		sentOn: IsoDate,
		to: Label,
		by: z.string().min(1),
		byName: Label.optional(),
		at: IsoDateTime
	})
);
export type GovernorsCopy = z.infer<typeof GovernorsCopy>;

// ---------------------------------------------------------------------------------------------
// The summary itself, as sent to the chair of governors (their own database: `governorsDbName`)

export const governorsSummaryDocId = (year: string, uuid: string) =>
	`governors-summary:${year}:${uuid}`;

/**
 * The longest text a report's block holds, as `governorsReport` builds it from valid records: a
 * visit's evaluations said in one line, 20 areas each with its label, grade (200 characters each)
 * and comment (2,000), is about 48,200 characters; a discussion area with its strengths and points
 * to develop (10,000 each), or 50 people who attended with their roles, about 20,250. A summary
 * that refused what the report says would fail for that school every term.
 */
export const REPORT_TEXT_MAX = 50_000;
/**
 * Blocks in one section: a confirmed visit at its fullest is 133 (heading, two lists, 30
 * discussion areas and 100 addenda), and "Visits this year" holds every visit of the year. The
 * whole document stays bounded by the server's largest document (`MAX_DOCUMENT_BYTES`).
 */
export const REPORT_BLOCKS_MAX = 5_000;

// Written out: the schema is also bundled into CouchDB's validate_doc_update, whose engine may
// have no locales.
const ReportText = lazy(() => z.string().max(REPORT_TEXT_MAX, 'must be at most 50,000 characters'));

/** One block of a report (src/lib/reports/report.ts) as kept: text and tables, never photos. */
const ReportBlockCopy = lazy(() =>
	z.discriminatedUnion('kind', [
		z.object({ kind: z.literal('subheading'), text: ReportText }),
		z.object({ kind: z.literal('paragraph'), text: ReportText }),
		z.object({
			kind: z.literal('facts'),
			items: z.array(z.tuple([ReportText, ReportText])).max(200)
		}),
		z.object({
			kind: z.literal('table'),
			caption: ReportText,
			columns: z.array(ReportText).max(20),
			widths: z.array(z.number().positive()).max(20),
			rows: z.array(z.array(ReportText).max(20)).max(2000)
		})
	])
);

/** A `Report` as sent: what the chair of governors reads on their own device. */
export const ReportCopy = lazy(() =>
	z.object({
		title: Label,
		subject: Label,
		trustName: Label,
		// A term's name (200 characters at most) with its number and year: "… (term 2), 2026-27".
		termLabel: Text(300).trim().min(1, 'is required'),
		generatedOn: IsoDate,
		landscape: z.boolean(),
		fileName: Label,
		sections: z
			.array(
				z.object({ heading: ReportText, blocks: z.array(ReportBlockCopy).max(REPORT_BLOCKS_MAX) })
			)
			.max(100)
	})
);

/**
 * The yearly summary of visits exactly as it was sent to the chair of governors one term, written
 * beside the record of the copy sent (`GovernorsCopy`) into the governors' database. Never edited:
 * each term sends a new one. Learning-walk photos stay out (they are pupils' work, and large):
 * `photosInPrint` says the printed copy had them.
 */
export const GovernorsSummary = lazy(() =>
	z.object({
		...docMeta,
		type: z.literal('governors-summary'),
		schoolId: Slug,
		schoolName: Label,
		year: AcademicYearId,
		term: TermNumber,
		sentOn: IsoDate,
		by: z.string().min(1),
		byName: Label.optional(),
		at: IsoDateTime,
		photosInPrint: z.boolean(),
		report: ReportCopy
	})
);
export type GovernorsSummary = z.infer<typeof GovernorsSummary>;
