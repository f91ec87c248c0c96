import {
	GovernorsCopy,
	governorsCopyDocId,
	governorsDbName,
	GovernorsSummary,
	governorsSummaryDocId,
	schoolDbName,
	SCHEMA_VERSION,
	type GovernorsCopy as Copy,
	type GovernorsSummary as Summary
} from '$lib/domain';
import type { Report } from '$lib/reports/report';
import { createDoc, writtenName, type WriteContext } from './repository';

/**
 * The copies of a school's yearly summary sent to the chair of governors, oldest first. Read from
 * the school's database on the device: a copy is a small record that no other screen lists.
 */
export async function governorsCopies(
	ctx: WriteContext,
	schoolId: string,
	year: string
): Promise<Copy[]> {
	const prefix = governorsCopyDocId(year, '');
	const res = await ctx
		.dbFor(schoolDbName(schoolId))
		.allDocs({ include_docs: true, startkey: prefix, endkey: `${prefix}\uffff` });
	return res.rows
		.flatMap((r) => {
			const parsed = GovernorsCopy.safeParse(r.doc);
			return parsed.success ? [parsed.data] : [];
		})
		.sort((a, b) => a.sentOn.localeCompare(b.sentOn) || a.at.localeCompare(b.at));
}

/** Record that this term's copy was sent: a new record each time, in the person's own name. */
export async function recordGovernorsCopy(
	ctx: WriteContext,
	copy: { schoolId: string; year: string; term: number; sentOn: string; to: string }
): Promise<Copy> {
	const name = writtenName(ctx).name;
	return createDoc(ctx, schoolDbName(copy.schoolId), GovernorsCopy, {
		_id: governorsCopyDocId(copy.year, crypto.randomUUID()),
		schemaVersion: SCHEMA_VERSION,
		type: 'governors-copy',
		...copy,
		by: ctx.user.name ?? '',
		...(name ? { byName: name } : {}),
		at: new Date().toISOString()
	});
}

/**
 * The summary as sent, for the chair of governors to read on their own device (`GovernorsSummary`),
 * written into the school's governors' database. Photos stay in the printed copy: they are pupils'
 * work, and each would make every governor's device hold a large image; the copy says so.
 */
export async function sendGovernorsSummary(
	ctx: WriteContext,
	sent: {
		schoolId: string;
		schoolName: string;
		year: string;
		term: number;
		sentOn: string;
		report: Report;
	}
): Promise<Summary> {
	const { report, ...rest } = sent;
	const photosInPrint = report.sections.some((s) => s.blocks.some((b) => b.kind === 'photos'));
	const sections = report.sections.map((s) => ({
		heading: s.heading,
		blocks: s.blocks.filter((b) => b.kind !== 'photos')
	}));
	const name = writtenName(ctx).name;
	return createDoc(ctx, governorsDbName(sent.schoolId), GovernorsSummary, {
		_id: governorsSummaryDocId(sent.year, crypto.randomUUID()),
		schemaVersion: SCHEMA_VERSION,
		type: 'governors-summary',
		...rest,
		by: ctx.user.name ?? '',
		...(name ? { byName: name } : {}),
		at: new Date().toISOString(),
		photosInPrint,
		report: { ...report, sections }
	});
}

/** The copies sent to a school's chair of governors on this device, newest first. */
export async function governorsSummaries(ctx: WriteContext, schoolId: string): Promise<Summary[]> {
	const res = await ctx.dbFor(governorsDbName(schoolId)).allDocs({
		include_docs: true,
		startkey: 'governors-summary:',
		endkey: 'governors-summary:\uffff'
	});
	return res.rows
		.flatMap((r) => {
			const parsed = GovernorsSummary.safeParse(r.doc);
			return parsed.success ? [parsed.data] : [];
		})
		.sort((a, b) => b.sentOn.localeCompare(a.sentOn) || b.at.localeCompare(a.at));
}

/**
 * One copy sent, from whichever of the person's governors' databases holds it, or null. A database
 * the device cannot read is an error, not "no such copy": the chair is told it could not be opened.
 */
export async function governorsSummary(
	ctx: WriteContext,
	schoolIds: readonly string[],
	id: string
): Promise<Summary | null> {
	for (const schoolId of schoolIds) {
		const doc: unknown = await ctx
			.dbFor(governorsDbName(schoolId))
			.get(id)
			.catch((err: unknown) => {
				if ((err as { status?: number }).status === 404) return null;
				throw err;
			});
		const parsed = GovernorsSummary.safeParse(doc);
		if (parsed.success) return parsed.data;
	}
	return null;
}
