import {
	GovernorsCopy,
	governorsCopyDocId,
	governorsDbName,
	GovernorsSummary,
	governorsSummaryDocId,
	SCHEMA_VERSION,
	schoolDbName
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import type { Doc, Storage } from './storage.ts';

/**
 * The demo's chair of governors (Oakfield's, `chair.oakfield`) has been sent the autumn 1 copy of
 * the summary of visits: the record of the copy sent in the school's database, and the copy itself
 * in the governors' database, as the app writes them. Sent at the end of autumn 1, or on the demo's
 * first day if that is earlier.
 */
export async function seedGovernors(storage: Storage, today: string): Promise<void> {
	const schoolId = 'oakfield';
	const sentOn = today < '2026-10-22' ? today : '2026-10-22';
	const at = `${sentOn}T16:00:00Z`;
	const school = await storage.ensure(
		schoolDbName(schoolId),
		defaultSecurity(schoolDbName(schoolId))
	);
	const copy = GovernorsCopy.parse({
		_id: governorsCopyDocId('2026-27', 'demo-autumn-1'),
		schemaVersion: SCHEMA_VERSION,
		type: 'governors-copy',
		schoolId,
		year: '2026-27',
		term: 1,
		sentOn,
		to: 'Helen Marsh, chair of governors',
		by: 'sil',
		at
	});
	await school.put(copy as Doc);
	storage.notify(schoolDbName(schoolId));
	const db = await storage.ensure(
		governorsDbName(schoolId),
		defaultSecurity(governorsDbName(schoolId))
	);
	const summary = GovernorsSummary.parse({
		_id: governorsSummaryDocId('2026-27', 'demo-autumn-1'),
		schemaVersion: SCHEMA_VERSION,
		type: 'governors-summary',
		schoolId,
		schoolName: 'Oakfield Primary School',
		year: '2026-27',
		term: 1,
		sentOn,
		by: 'sil',
		byName: 'James Whitfield',
		at,
		photosInPrint: false,
		report: {
			title: 'Summary of school improvement visits',
			subject: 'Oakfield Primary School',
			trustName: 'Riverside Learning Trust',
			termLabel: 'Autumn 1, 2026-27',
			generatedOn: sentOn,
			landscape: false,
			fileName: 'oakfield-governors-2026-27-t1',
			sections: [
				{
					heading: 'About this report',
					blocks: [
						{
							kind: 'paragraph',
							text: 'A summary of every school improvement visit to Oakfield Primary School in 2026-27 and of the next steps agreed with the headteacher. It is an internal record for the local governing body, not a report for Ofsted.'
						},
						{
							kind: 'facts',
							items: [
								['Category', '1, strong'],
								['Strand', 'Preventative'],
								['Visits this year', '1']
							]
						}
					]
				},
				{
					heading: 'Visits this year',
					blocks: [
						{ kind: 'subheading', text: 'Autumn 1: core visit, leadership and the curriculum' },
						{
							kind: 'paragraph',
							text: 'Leaders know the school well. Reading is taught consistently from Reception; the next step is to check that pupils who fall behind in Year 2 catch up quickly.'
						}
					]
				},
				{
					heading: 'Agreed next steps',
					blocks: [
						{
							kind: 'table',
							caption: 'Next steps agreed with the headteacher',
							columns: ['Next step', 'Owner', 'By', 'Status'],
							widths: [4, 2, 1, 1],
							rows: [
								[
									'Check weekly that Year 2 pupils behind in phonics catch up',
									'Phonics lead',
									'Dec 2026',
									'In progress'
								]
							]
						}
					]
				}
			]
		}
	});
	await db.put(summary as Doc);
	storage.notify(governorsDbName(schoolId));
}
