import { itemKey } from '$lib/domain/changes';
import type { Unsaved } from './unsaved';

/**
 * A note of unsaved typing (`Unsaved`) that a later save from the same device has outgrown. The
 * note is written at every keystroke and forgotten once the editor saves; a browser killed in that
 * moment can keep an older note than the save that followed it (the note's last writes and its
 * removal lost, the save kept). Taken in, such a note met the saved text as a clash: the record
 * showed the cut-off words ("T2-comme") with the whole sentence only among the choices.
 */

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Whether `note` is an earlier stage of `latest`: the same, or each text of it the start of the
 * text in the same place of `latest` (list items matched by key). Every character of `note` is
 * then in `latest`, so nothing typed is lost by leaving the note out.
 */
export function earlierStage(note: unknown, latest: unknown): boolean {
	if (same(note, latest)) return true;
	if (typeof note === 'string' && typeof latest === 'string') return latest.startsWith(note);
	if (Array.isArray(note) && Array.isArray(latest)) {
		return note.every((item, i) => {
			const key = itemKey(item);
			const other = key === null ? latest[i] : latest.find((x) => itemKey(x) === key);
			return other !== undefined && earlierStage(item, other);
		});
	}
	if (isRecord(note) && isRecord(latest)) {
		return Object.keys(note).every((k) => earlierStage(note[k], latest[k]));
	}
	return false;
}

/**
 * `kept` without the fields a later save by the same person on the same device has outgrown: when
 * the record's latest revision was written by `me` on `device` after the note (`kept.at`), a field
 * whose kept typing is an earlier stage of what that revision holds was saved, not cut short. Any
 * other field stays, to be taken in as before (a change the save does not hold is never dropped).
 */
export function withoutOutgrown(
	kept: Unsaved,
	latest: Record<string, unknown>,
	me: { by: string; device: string }
): Unsaved {
	const edit = latest.edit as { by?: unknown; device?: unknown; at?: unknown } | undefined;
	if (kept.at === undefined || !edit || edit.by !== me.by || edit.device !== me.device) return kept;
	const savedAt = typeof edit.at === 'string' ? Date.parse(edit.at) : NaN;
	if (!(savedAt > kept.at)) return kept;
	const outgrown = Object.keys(kept.draft).filter((k) => earlierStage(kept.draft[k], latest[k]));
	if (outgrown.length === 0) return kept;
	const drop = (o: Record<string, unknown>) =>
		Object.fromEntries(Object.entries(o).filter(([k]) => !outgrown.includes(k)));
	return { ...kept, base: drop(kept.base), draft: drop(kept.draft) };
}
