import { RecordRefused, type WriteContext } from '$lib/db/repository';
import { saveNextStep } from '$lib/db/next-steps';
import { saveOverview } from '$lib/db/overviews';
import { saveTrustSettings } from '$lib/db/trust';
import { addLateChanges, saveBooklet, saveWalk } from '$lib/db/visits';
import { bookletReady } from '$lib/domain/booklet-ready';
import type { VisitRecord } from '$lib/domain/visit';
import { newItemId } from '$lib/domain/changes';
import { withItemIds } from '$lib/domain/item-ids';
import { isConfirmedVisit, type Describe } from '$lib/sync/late-changes';
import type { Doc } from '$lib/sync/merge';
import { same } from './rebase';
import { isOpen, parseUnsaved, unsavedKeys, type Unsaved } from './unsaved';
import { keepNote } from './kept-notes';
import { withoutOutgrown } from './outgrown';

type Save = (ctx: WriteContext, base: never, draft: never) => Promise<unknown>;

/** How each kind of record that `RecordForm` edits is saved: as its editor saves it. */
const SAVES: Record<string, Save> = {
	visit: saveBooklet,
	'learning-walk': saveWalk,
	'next-step': saveNextStep,
	'school-overview': saveOverview,
	'trust-settings': saveTrustSettings
};

/**
 * A note the start could not use: its record is gone, or refused it (a booklet shared with the
 * headteacher), or the save failed. It stays on the device and is shown to the person (the Sync
 * page), who can copy what they typed or discard it.
 */
export interface LeftNote {
	/** Where it is kept (`unsavedKey`). */
	key: string;
	db: string;
	id: string;
	/** Why it was not saved, in words a person can act on. */
	reason: string;
	/**
	 * Figures typed into a grid and refused (`AttainmentGrid`), named by the grid: its cells are kept
	 * as a draft (`KeptCells`, `key` its slot), not as a note of the record, so the grid lists them.
	 */
	typed?: { label: string; text: string }[];
}

/** What `saveUnsaved` did: changes saved, added to confirmed records, and left unsaved. */
export interface SavedUnsaved {
	saved: number;
	/** Notes of a booklet confirmed since, appended to it as an addendum in the person's name. */
	added: number;
	/** Notes still kept: refused, their record gone, or failed to save. */
	left: LeftNote[];
	/** In how long (ms) notes left because they were written a moment ago are old enough; or null. */
	retryIn: number | null;
	/** Notes left until their database has caught up with the trust (`catchingUp`). */
	waiting: number;
}

/** Part of a note was saved and part waits for a field (`bookletReady`): the note stays kept. */
class HeldBack extends RecordRefused {}

/** Why a note was left, from what its save threw. */
export const GONE = 'This record is no longer on this device: it may have been removed.';
const NO_SAVE = 'The app cannot save typing into this kind of record.';
const reasonOf = (err: unknown): string =>
	err instanceof RecordRefused
		? err.message
		: `It could not be saved: ${err instanceof Error ? err.message : String(err)}`;

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
 * A note's changes onto its record as it is now (`now`): saved as its editor saves them, or, for a
 * booklet the headteacher confirmed since (or confirms in the moment of the save), appended to it as
 * an addendum in the person's name, as a late change arriving by sync is (`addLateChanges`).
 * 'same' when the record already says everything the note does. Throws when the record refuses.
 */
async function saveNote(
	ctx: WriteContext,
	kept: Unsaved,
	now: Doc,
	describe: Describe | undefined
): Promise<'saved' | 'added' | 'same'> {
	const doc = withItemIds(now);
	const base = { ...doc, ...kept.base };
	const draft = { ...doc, ...kept.draft };
	if (!Object.keys(kept.draft).some((k) => !same(base[k], draft[k]))) return 'same';
	const addendum = async () => {
		const added = await addLateChanges(ctx, String(doc.schoolId), kept.id, base, draft, {
			// The same note always makes the same addendum, so it is never appended twice.
			addendumId: kept.at === undefined ? `late-${newItemId()}` : `late-note-${kept.at}`,
			at: new Date(kept.at ?? Date.now()).toISOString(),
			describe
		});
		return added > 0 ? 'added' : 'same';
	};
	if (isConfirmedVisit(doc)) return addendum();
	const save = SAVES[String(doc.type)];
	if (!save) throw new RecordRefused(NO_SAVE);
	// A person in "Who attended" with no name waits in the note, as in the editor; the rest is saved.
	const { ready, left } =
		doc.type === 'visit'
			? bookletReady(draft as unknown as VisitRecord, base as unknown as VisitRecord)
			: { ready: draft, left: [] };
	try {
		await save(ctx, base as never, ready as never);
		if (left.length > 0) {
			const words = left.map((l) => `${l.message}.`).join(' ');
			throw new HeldBack(`${words} The rest of the booklet is saved.`);
		}
		return 'saved';
	} catch (err) {
		if (err instanceof HeldBack) throw err;
		// Confirmed in the moment between reading it and saving (a sync pass brought it).
		if (!(err instanceof RecordRefused)) throw err;
		const again = await current(ctx, kept);
		if (!again || !isConfirmedVisit(again)) throw err;
		return addendum();
	}
}

/**
 * Save the changes `user`'s editors kept on this device and never saved (a tab closed or reloaded
 * in the moment before its save), for every record, not only those opened again: run once the
 * databases are open at each start, so that what was typed reaches the trust even if its record is
 * never opened on this device again. Notes of an editor open in this tab, and notes written less
 * than `settleMs` ago, are left (`retryIn` says when to look again). Each is saved as the editor
 * saves it, `merge3(base, draft, latest)`, so changes made since elsewhere stay; a booklet
 * confirmed since takes it as an addendum (`saveNote`). A note is forgotten once saved, unless an
 * editor wrote a newer one meanwhile. A note whose record is gone or refuses it stays kept, and is
 * listed in `left` to be shown to the person. `describe` names fields in an addendum as the
 * screens do. Notes of a database for which `catchingUp` holds (its first pass with the trust since
 * the start is under way) are left for now, counted in `waiting`.
 */
export async function saveUnsaved(
	ctx: WriteContext,
	user: string,
	{
		settleMs = SETTLE_MS,
		at = Date.now(),
		describe,
		catchingUp
	}: {
		settleMs?: number;
		at?: number;
		describe?: Describe;
		catchingUp?: (db: string) => boolean;
	} = {}
): Promise<SavedUnsaved> {
	const done: SavedUnsaved = { saved: 0, added: 0, left: [], retryIn: null, waiting: 0 };
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
		// Its record may have moved on at the trust while this device was away (shared, confirmed):
		// saved onto the device's older copy, the typing would meet that as a clash, not as a refusal
		// to show or an addendum.
		if (catchingUp?.(kept.db)) {
			done.waiting++;
			continue;
		}
		const leave = (reason: string) => done.left.push({ key, db: kept.db, id: kept.id, reason });
		try {
			const now = await current(ctx, kept);
			if (isOpen(key)) continue;
			if (!now) {
				leave(GONE);
				continue;
			}
			// Typing a later save from this device already holds is not taken in again as a clash.
			const note = withoutOutgrown(kept, now, { by: user, device: ctx.device ?? '' });
			const outcome = await saveNote(ctx, note, now, describe);
			if (outcome === 'saved') done.saved++;
			if (outcome === 'added') done.added++;
			if (localStorage.getItem(key) === raw) keepNote(key, null);
		} catch (err) {
			leave(reasonOf(err));
		}
	}
	return done;
}
