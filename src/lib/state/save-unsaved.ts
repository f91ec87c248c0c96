import type { WriteContext } from '$lib/db/repository';
import { saveNextStep } from '$lib/db/next-steps';
import { saveOverview } from '$lib/db/overviews';
import { saveTrustSettings } from '$lib/db/trust';
import { saveBooklet, saveWalk } from '$lib/db/visits';
import { withItemIds } from '$lib/domain/item-ids';
import type { Doc } from '$lib/sync/merge';
import { same } from './rebase';
import { isOpen, parseUnsaved, unsavedKeys, type Unsaved } from './unsaved';

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
	/** In how long (ms) notes left because they were written a moment ago are old enough; or null. */
	retryIn: number | null;
}

/**
 * How old a note must be before the start saves it. A younger one may be an editor's open in
 * another tab, which saves it itself within a moment: saving the same typing from an older note
 * beside it would make its own save clash with it.
 */
export const SETTLE_MS = 10_000;

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
 * never opened on this device again. Notes of an editor open in this tab, and notes written less
 * than `settleMs` ago, are left (`retryIn` says when to look again). Each is saved as the editor saves it, `merge3(base, draft,
 * latest)`, so changes made since elsewhere stay. A note is forgotten once saved, unless an editor
 * wrote a newer one meanwhile; a change the record refuses (a booklet confirmed since) stays kept.
 */
export async function saveUnsaved(
	ctx: WriteContext,
	user: string,
	{ settleMs = SETTLE_MS, at = Date.now() }: { settleMs?: number; at?: number } = {}
): Promise<SavedUnsaved> {
	const done: SavedUnsaved = { saved: 0, kept: 0, retryIn: null };
	for (const key of unsavedKeys(user)) {
		// An editor open in this tab saves its own notes.
		if (isOpen(key)) continue;
		const raw = localStorage.getItem(key);
		const kept = parseUnsaved(raw);
		// A note from before notes named their database: its editor still cannot read it either.
		if (!kept) continue;
		const age = at - (kept.at ?? 0);
		if (age < settleMs) {
			done.retryIn = Math.min(done.retryIn ?? settleMs, settleMs - age);
			continue;
		}
		try {
			const now = await current(ctx, kept);
			if (isOpen(key)) continue;
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
