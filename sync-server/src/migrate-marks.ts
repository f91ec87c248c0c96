import fs from 'node:fs';
import path from 'node:path';
import { SCHEMA_VERSION, VulnerableMark, vulnerableMarkDocId } from '../../src/lib/domain/index.ts';
import type { Logger } from './log.ts';
import type { Doc, Storage } from './storage.ts';

const MARKER = 'migrated-vulnerable-marks';

type LegacyOverview = Doc & {
	type: 'school-overview';
	schoolId: string;
	year: string;
	term: number;
	vulnerable?: boolean;
	supportPlan?: string;
	updatedBy: string;
	updatedAt: string;
};

/**
 * Overviews written before issue 15 said "vulnerable" in the termly overview itself, which the
 * screens no longer read: the mark is now the school's own record (`VulnerableMark`). Once per data
 * folder, a school whose overviews say vulnerable and which has no mark gets the mark they meant,
 * dated and signed as the latest such overview, with its support plan; the CEO then records the
 * meeting or removes it as for any mark. The mark's id comes from that overview, so a second run
 * (or an interrupted one run again) writes nothing new. Returns how many schools were marked.
 */
export async function migrateVulnerableOverviews(storage: Storage, log: Logger): Promise<number> {
	const marker = path.join(storage.dir, '..', MARKER);
	if (fs.existsSync(marker)) return 0;
	let marked = 0;
	for (const name of storage.list()) {
		if (!name.startsWith('school-')) continue;
		const db = await storage.get(name);
		if (!db) continue;
		const overviews = await db.allDocs({
			include_docs: true,
			startkey: 'overview:',
			endkey: 'overview:\uffff'
		});
		const legacy = overviews.rows
			.map((r) => r.doc as LegacyOverview | undefined)
			.filter((d): d is LegacyOverview => d?.type === 'school-overview' && d.vulnerable === true)
			.sort((a, b) => a.year.localeCompare(b.year) || a.term - b.term);
		const latest = legacy.at(-1);
		if (!latest) continue;
		const marks = await db.allDocs({ startkey: 'vulnerable:', endkey: 'vulnerable:\uffff' });
		if (marks.rows.length > 0) continue;
		const mark = VulnerableMark.parse({
			_id: vulnerableMarkDocId(`from-overview-${latest.year}-t${latest.term}`),
			schemaVersion: SCHEMA_VERSION,
			type: 'vulnerable-mark',
			schoolId: latest.schoolId,
			markedOn: latest.updatedAt.slice(0, 10),
			markedBy: latest.updatedBy,
			reason: `Marked vulnerable in the school overview of term ${latest.term}, ${latest.year}, before marks were kept as records of their own.`,
			meetingNotes: '',
			supportPlan: latest.supportPlan?.trim() || 'Recorded in the school overview.',
			updatedBy: latest.updatedBy,
			updatedAt: latest.updatedAt
		});
		const written = await db.bulkDocs([mark as Doc]);
		if (written[0] && 'error' in written[0] && written[0].error) continue;
		storage.notify(name);
		marked++;
		log.info('kept an overview’s vulnerable mark as a mark of its own', { db: name });
	}
	fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
	return marked;
}
