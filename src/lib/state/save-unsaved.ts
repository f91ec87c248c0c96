import type { WriteContext } from '$lib/db/repository';
import { saveNextStep } from '$lib/db/next-steps';
import { saveOverview } from '$lib/db/overviews';
import { saveTrustSettings } from '$lib/db/trust';
import { saveBooklet, saveWalk } from '$lib/db/visits';
import { withItemIds } from '$lib/domain/item-ids';
import type { Doc } from '$lib/sync/merge';
import { same } from './rebase';
import { parseUnsaved, unsavedKeys, type Unsaved } from './unsaved';

type Save = (ctx: WriteContext, base: never, draft: never) => Promise<unknown>;

/** How each kind of record that `RecordForm` edits is saved: as its editor saves it. */
const SAVES: Record<string, Save> = {
	visit: saveBooklet,
	'learning-walk': saveWalk,
	'next-step': saveNextStep,
	'school-overview': saveOverview,
	'trust-settings': saveTrustSettings
};

/** What `saveUnsaved` did: changes saved, and changes still kept (refused, or failed to save). */
export interface SavedUnsaved {
	saved: number;
	kept: number;
}

/** The record as it is now, or made from its kept fields if it was never written; null if gone. */
async function current(ctx: WriteContext, kept: Unsaved): Promise<Doc | null> {
	try {
		return await ctx.dbFor(kept.db).get<Doc>(kept.id);
	} catch (err) {
		if ((err as { status?: number }).status !== 404) throw err;
		return kept.own ? ({ ...kept.own, _id: kept.id } as Doc) : null;
	}
}

/**
 * Save the changes `user`'s editors kept on this device and never saved (a tab closed or reloaded
 * in the moment before its save), for every record, not only those opened again: run once the
 * databases are open at each start, so that what was typed reaches the trust even if its record is
 * never opened on this device again. Each is saved as the editor saves it, `merge3(base, draft,
 * latest)`, so changes made since elsewhere stay. A note is forgotten once saved, unless an editor
 * wrote a newer one meanwhile; a change the record refuses (a booklet confirmed since) stays kept.
 */
export async function saveUnsaved(ctx: WriteContext, user: string): Promise<SavedUnsaved> {
	const done: SavedUnsaved = { saved: 0, kept: 0 };
	for (const key of unsavedKeys(user)) {
		const raw = localStorage.getItem(key);
		const kept = parseUnsaved(raw);
		// A note from before notes named their database: its editor still cannot read it either.
		if (!kept) continue;
		try {
			const now = await current(ctx, kept);
			const save = now ? SAVES[String(now.type)] : undefined;
			if (!now || !save) {
				done.kept++;
				continue;
			}
			const doc = withItemIds(now);
			const base = { ...doc, ...kept.base };
			const draft = { ...doc, ...kept.draft };
			if (Object.keys(kept.draft).some((k) => !same(base[k], draft[k]))) {
				await save(ctx, base as never, draft as never);
				done.saved++;
			}
			if (localStorage.getItem(key) === raw) localStorage.removeItem(key);
		} catch {
			done.kept++;
		}
	}
	return done;
}
