// Drafts of forms sent by hand (`KeptDraft`, `KeptCells`), read back from localStorage to show
// the person what they typed and never sent (the Sync page) and to count it at sign-out. Without
// schemas and without Svelte: a kept value is strings by name, and anything else is ignored.

/**
 * Members a kept value carries beside the form's own fields: when it was last written, the page
 * and the page's title it was written on. `@` keeps them apart from any field's name.
 */
export const AT = '@at';
export const PAGE = '@page';
export const WHERE = '@where';

/** The app's name after each page's title, left off where a draft says where it was typed. */
const TITLE_END = ' · SI visits';

/** What a kept value carries beside its fields, read when it is written. */
export function keptMeta(now = Date.now()): Record<string, string | number> {
	const meta: Record<string, string | number> = { [AT]: now };
	if (typeof location !== 'undefined') meta[PAGE] = location.pathname + location.search;
	if (typeof document !== 'undefined' && document.title) {
		meta[WHERE] = document.title.endsWith(TITLE_END)
			? document.title.slice(0, -TITLE_END.length)
			: document.title;
	}
	return meta;
}

/** A kept draft as the Sync page shows it. */
export interface KeptDraftEntry {
	/** Its localStorage key, `si:draft:<form>:<user>`. */
	key: string;
	/** What the form is, in people's words ("A progress update on a next step"). */
	title: string;
	/** When it was last typed into (ms since 1970); null for a draft kept before this was noted. */
	at: number | null;
	/** The page it was typed on (a path of this app), and that page's title; null when not known. */
	page: string | null;
	where: string | null;
	/** What was typed, field by field, with nothing blank. */
	typed: { label: string; text: string }[];
}

/** Each kind of form (`what` up to its first `:`), as the person would name it. */
const FORMS: Record<string, string> = {
	progress: 'A progress update on a next step',
	reason: 'A reason for disagreeing with a next step',
	'next-step': 'A new next step for a visit',
	visit: 'A comment, disagreement or addendum on a visit',
	concern: 'A concern being raised',
	'concern-action': 'An action or closing note on a concern',
	'vulnerable-mark': 'Marking a school vulnerable',
	'vulnerable-edit': 'An update to a vulnerable mark',
	'vulnerable-remove': 'Removing a vulnerable mark',
	review: 'An external review being recorded',
	plan: 'A visit being planned',
	merge: 'A merged text on “Needs your choice”',
	school: 'A school being added',
	situation: 'A change to a school’s situation',
	'close-school': 'A school being closed',
	figures: 'Attainment figures typed into the grid'
};

/** Field names whose label is not their name spelt out. */
const LABELS: Record<string, string> = {
	areaId: 'Area',
	urn: 'URN',
	seen: 'What was seen',
	supportPlan: 'Support agreed',
	meetingOn: 'Meeting date',
	markedOn: 'Marked on',
	removedOn: 'Removed on',
	on: 'Date',
	to: 'Situation',
	text: 'Text'
};

/** Fields a form keeps for itself, not typed by the person (the mark's values it opened on). */
const INTERNAL = new Set(['from']);

/** `successCriteria` → "Success criteria"; a grid's cell `row|col` → "row, col". */
function label(field: string): string {
	if (LABELS[field]) return LABELS[field];
	if (field.includes('|')) return field.split('|').join(', ');
	const words = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
	return words.charAt(0).toUpperCase() + words.slice(1);
}

const PREFIX = 'si:draft:';

/** `user`'s kept drafts in `storage`, with what each holds; unreadable ones are left out. */
export function readKeptDrafts(
	storage: Pick<Storage, 'length' | 'key' | 'getItem'>,
	user: string
): KeptDraftEntry[] {
	const suffix = `:${user}`;
	const out: KeptDraftEntry[] = [];
	for (let i = 0; i < storage.length; i++) {
		const key = storage.key(i);
		if (!key?.startsWith(PREFIX) || !key.endsWith(suffix)) continue;
		const what = key.slice(PREFIX.length, -suffix.length);
		let raw: unknown;
		try {
			raw = JSON.parse(storage.getItem(key) ?? 'null');
		} catch {
			continue;
		}
		if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
		const value = raw as Record<string, unknown>;
		const typed = Object.entries(value).flatMap(([field, text]) =>
			field.startsWith('@') || INTERNAL.has(field) || typeof text !== 'string' || !text.trim()
				? []
				: [{ label: label(field), text }]
		);
		const at = value[AT];
		const page = value[PAGE];
		const where = value[WHERE];
		out.push({
			key,
			title: FORMS[what.split(':')[0] ?? ''] ?? 'A form',
			at: typeof at === 'number' ? at : null,
			// Only a path of this app: the value is the device's own, but a link must not leave it.
			page: typeof page === 'string' && /^\/(?!\/)/.test(page) ? page : null,
			where: typeof where === 'string' && where ? where : null,
			typed
		});
	}
	return out.sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || a.key.localeCompare(b.key));
}

/** How long a draft rests untouched before the Sync page lists it: 10 minutes. */
export const DRAFT_RESTS_MS = 10 * 60_000;

/**
 * The drafts to show the person: those with something typed, whose form is not open in this tab,
 * and not typed into for `restMs` (a form may be open in another tab). A draft whose form has gone
 * (its record confirmed, its choice settled elsewhere) is never opened again, so it is found here;
 * so is one whose form the person simply left, which is just as unsent. A draft kept before its
 * time was noted counts as old.
 */
export function draftsToShow(
	drafts: readonly KeptDraftEntry[],
	opts: { now: number; restMs: number; isOpen: (key: string) => boolean }
): KeptDraftEntry[] {
	return drafts.filter(
		(d) => d.typed.length > 0 && !opts.isOpen(d.key) && opts.now - (d.at ?? 0) >= opts.restMs
	);
}

/** Forms open in this tab, by their draft's key, with how many are open on each. */
const open = new Map<string, number>();
const listeners = new Set<() => void>();

/** A form keeping its draft at `key` is open: it is not listed until it is closed (the function given back). */
export function holdDraft(key: string): () => void {
	open.set(key, (open.get(key) ?? 0) + 1);
	for (const f of listeners) f();
	return () => {
		const n = (open.get(key) ?? 1) - 1;
		if (n > 0) open.set(key, n);
		else open.delete(key);
		for (const f of listeners) f();
	};
}

/** Whether a form in this tab is open on the draft kept at `key`. */
export const isDraftOpen = (key: string) => open.has(key);

/** Call `f` whenever a form opens or closes; the function given back stops it. */
export function onDraftsHeld(f: () => void): () => void {
	listeners.add(f);
	return () => listeners.delete(f);
}
