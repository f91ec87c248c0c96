import type { DraftError } from './attainment-framework-edit.ts';
import { FIELD_WORDS } from './field-words.ts';

interface Attendee {
	id: string;
	name: string;
	role: string;
}

/** Said beside the name of a person in "Who attended" who has none yet. */
export const NAME_NEEDED = FIELD_WORDS.visit!['attendees.*.name']!.missing;

/** The id of the name box of a person in "Who attended" (`BookletEditor`), where its message points. */
export const attendeeNameField = (id: string) => `att-name-${id}`;

/**
 * What of a booklet being typed can be saved now, and what waits beside its field. A person added
 * to "Who attended" is not part of the record until they have a name, which the record requires:
 * their row stays on screen and in the note of unsaved typing, and the rest of the booklet is saved
 * meanwhile. One empty row used to refuse the whole save, while the header said all was sent. A
 * person already in the record whose name is cleared keeps the name saved before (`base`) until a
 * new one is typed, so that clearing a name to retype it never takes the person out of the record.
 * A row just added and still empty (no name, no role, not in `base`) holds no typing: it is left
 * out without a word, so that "Add a person" is not met by "Some typing not saved" before a key is
 * pressed.
 */
export function bookletReady<T extends { attendees: Attendee[] }>(
	draft: T,
	base: { attendees?: readonly Attendee[] } | null
): { ready: T; left: DraftError[] } {
	const left: DraftError[] = [];
	const attendees: Attendee[] = [];
	for (const a of draft.attendees) {
		if (a.name.trim()) {
			attendees.push(a);
			continue;
		}
		const saved = base?.attendees?.find((b) => b.id === a.id);
		if (!saved && !a.role.trim()) continue;
		left.push({ field: attendeeNameField(a.id), message: NAME_NEEDED });
		if (saved?.name.trim()) attendees.push({ ...a, name: saved.name });
	}
	const whole = left.length === 0 && attendees.length === draft.attendees.length;
	return { ready: whole ? draft : { ...draft, attendees }, left };
}
