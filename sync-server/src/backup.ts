import fs from 'node:fs';
import readline from 'node:readline';
import { defaultSecurity } from './access.ts';
import type { Doc, Storage } from './storage.ts';

/** First line of a backup file; every other line is `{"doc": …}`. */
interface Header {
	format: 'si-visits-backup';
	version: 1;
	db: string;
	created: string;
	security: unknown;
	docs: number;
}

/**
 * Writes every leaf revision of every document (deleted ones too), each with its revision history
 * and its attachments inline, one JSON object per line. Replaying them with `new_edits: false`
 * rebuilds the same revision trees, conflicts included, as replication would. `_local`
 * documents (replication checkpoints) are not kept: clients simply check again.
 */
export async function backup(storage: Storage, dbName: string, file: string): Promise<number> {
	const db = await storage.get(dbName);
	if (!db) throw new Error(`database ${dbName} does not exist`);
	const { results } = await db.changes({ style: 'all_docs', since: 0, return_docs: true });
	const tmp = file + '.partial';
	const out = fs.createWriteStream(tmp, { mode: 0o600 });
	const write = (line: unknown) =>
		new Promise<void>((resolve, reject) => {
			out.write(JSON.stringify(line) + '\n', (err) => (err ? reject(err) : resolve()));
		});
	let count = 0;
	const header: Header = {
		format: 'si-visits-backup',
		version: 1,
		db: dbName,
		created: new Date().toISOString(),
		security: storage.readSecurity(dbName) ?? defaultSecurity(dbName),
		docs: results.length
	};
	await write(header);
	for (const row of results) {
		const leaves = (await db.get(row.id, {
			open_revs: 'all',
			revs: true,
			attachments: true
		})) as unknown as { ok?: Doc }[];
		for (const leaf of leaves) {
			if (!leaf.ok) continue;
			await write({ doc: leaf.ok });
			count++;
		}
	}
	await new Promise<void>((resolve, reject) =>
		out.end((err?: Error | null) => (err ? reject(err) : resolve()))
	);
	fs.renameSync(tmp, file);
	return count;
}

/** Replays a backup into `dbName` (created if needed) with `new_edits: false`, in batches. */
export async function restore(storage: Storage, file: string, dbName: string): Promise<number> {
	const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
	let header: Header | null = null;
	let batch: Doc[] = [];
	let count = 0;
	let db: Awaited<ReturnType<Storage['ensure']>> | null = null;
	const flush = async () => {
		if (!batch.length || !db) return;
		const errors = await db.bulkDocs(batch, { new_edits: false });
		if (errors.length) throw new Error(`restore failed: ${JSON.stringify(errors[0])}`);
		count += batch.length;
		batch = [];
	};
	for await (const line of lines) {
		if (!line.trim()) continue;
		const obj = JSON.parse(line) as { doc?: Doc } & Partial<Header>;
		if (!header) {
			if (obj.format !== 'si-visits-backup' || obj.version !== 1)
				throw new Error(`${file} is not a backup made by this tool`);
			header = obj as Header;
			db = await storage.ensure(
				dbName,
				(header.security as ReturnType<typeof defaultSecurity>) ?? defaultSecurity(dbName)
			);
			continue;
		}
		if (!obj.doc) throw new Error('a backup line without a document');
		batch.push(obj.doc);
		if (batch.length >= 100) await flush();
	}
	if (!header) throw new Error(`${file} is empty`);
	await flush();
	storage.notify(dbName);
	return count;
}
