// Drafts of forms sent by hand (`KeptDraft`, `KeptCells`), read back from localStorage to show
// the person what they typed and never sent (the Sync page) and to count it at sign-out. Without
// schemas and without Svelte: a kept value is strings by name, and anything else is ignored.

import { formatDate, sentenceStart, today } from '$lib/format';

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
	/** Its localStorage key, `si:draft:<form>#<tab>:<user>` (`draftKey`). */
	key: string;
	/** The tab it was typed in; null for a draft kept before each tab kept its own. */
	tab: string | null;
	/** What the form is, in people's words ("A progress update on a next step"). */
	title: string;
	/** When it was last typed into (ms since 1970); null for a draft kept before this was noted. */
	at: number | null;
	/** The page it was typed on (a path of this app), and that page's title; null when not known. */
	page: string | null;
	where: string | null;
	/** The kind of form (`progress`), and the id its key names (a next step's, a school's); or null. */
	form: string;
	record: string | null;
	/**
	 * What was typed, field by field as the form labels it (`field` is the kept name, a grid's
	 * `row|col`), with nothing blank and none of the form's own defaults.
	 */
	typed: { field: string; label: string; text: string }[];
	/** Every value kept, as kept (codes, JSON, dates as `YYYY-MM-DD`), without the `@…` members. */
	values: Record<string, string>;
	/** How many choices were made besides (a term, an area): kept too, but shown only on the form. */
	choices: number;
}

/**
 * Each kind of form (`what` up to its first `:`), as the person would name it. Every key a
 * `KeptDraft` or `KeptCells` is made with has its form here (`kept-drafts.test.ts` reads them from
 * the source); a form not here is "A form", for a draft kept by another version of the app.
 */
export const DRAFT_FORMS: Readonly<Record<string, string>> = {
	progress: 'A progress update on a next step',
	reason: 'A reason for disagreeing with a next step',
	'next-step': 'A new next step for a visit',
	area: 'A discussion area being added to a visit record',
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
	'school-details': 'A change to a school’s details',
	situation: 'A change to a school’s situation',
	'close-school': 'A school being closed',
	figures: 'Attainment figures typed into the grid',
	calendar: 'A change to the trust’s visit calendar'
};

/**
 * Each form's fields as its own screen labels them, so that the Sync page says "What has happened",
 * not "Note". A field named null is a choice kept as a code or as JSON (a term, an area, a
 * situation): meaningless written out, it is left to the form itself. A field not named here is
 * labelled from its name.
 */
const FIELDS: Record<string, Record<string, string | null>> = {
	progress: { status: 'Status', note: 'What has happened', evidence: 'Evidence' },
	reason: { reason: 'Why you disagree' },
	area: { area: 'Add a discussion area' },
	'next-step': {
		action: 'Next step',
		owner: 'Owner',
		dueDate: 'Due date',
		dueTerm: null,
		successCriteria: 'Success criteria',
		areaId: null
	},
	// One box is the head's comment on confirming, or the visitor's addendum: named by who typed it
	// once the record is known (`nameVisitDraft`).
	visit: { text: 'Comment or addendum', reason: 'What does not reflect the discussion' },
	concern: { title: 'Short title', seen: 'What you saw', level: 'How serious it is' },
	'concern-action': { actionText: 'What was done', closeNote: 'Why it can be closed' },
	'vulnerable-mark': {
		markedOn: 'Vulnerable from',
		reason: 'Why the school is thought vulnerable',
		meetingOn: 'Meeting date',
		meetingNotes: 'Meeting notes',
		supportPlan: 'Support agreed'
	},
	'vulnerable-edit': {
		meetingOn: 'Meeting date',
		meetingNotes: 'Meeting notes',
		supportPlan: 'Support agreed'
	},
	'vulnerable-remove': {
		removedOn: 'No longer vulnerable from',
		reason: 'Why the school is no longer vulnerable'
	},
	merge: { text: 'The text the record will say' },
	'close-school': { on: 'Closed on', reason: 'Reason' },
	situation: { to: null, on: 'Takes effect from', reason: 'Reason' },
	plan: {
		date: 'Date',
		term: null,
		visitType: null,
		days: 'SI time in days',
		reason: null,
		note: 'Note'
	},
	review: {
		kind: null,
		on: 'Date',
		reviewer: 'Who',
		headline: 'Headline',
		framework: null,
		grades: null,
		safeguarding: null
	},
	school: {
		name: 'School name',
		urn: 'URN',
		phase: null,
		headteacher: 'Headteacher',
		situation: null
	},
	// Starts as the school's details as they were (`ChangeSchoolDetails`): only what differs is kept.
	'school-details': { name: 'School name', urn: 'URN', phase: null, headteacher: 'Headteacher' }
};

/**
 * A visit record's draft (`visit:<id>`) named as the form it was typed in names it. Its `text` is
 * typed in one of two boxes: the head's "Comment (optional)" on confirming, offered while the
 * record is shared, or the visitor's "Add an addendum", once it is confirmed; its `reason` is the
 * head's disagreement. The record's visitor is never offered the comment nor the reason, and its
 * head never the addendum, so who typed it says which (`isVisitor`, from the record; undefined
 * when this device does not hold the record, and the draft is named as both).
 */
export function nameVisitDraft<T extends { field: string; label: string }>(
	typed: readonly T[],
	isVisitor: boolean | undefined
): { title: string; typed: T[] } {
	if (isVisitor === undefined) return { title: DRAFT_FORMS.visit!, typed: [...typed] };
	const named = typed.map((t) =>
		t.field === 'text' ? { ...t, label: isVisitor ? 'Addendum' : 'Comment' } : t
	);
	if (isVisitor) return { title: 'An addendum to a visit record', typed: named };
	const has = (field: string) => typed.some((t) => t.field === field);
	const title =
		has('text') && has('reason')
			? 'A comment or a disagreement on a visit record'
			: has('reason')
				? 'A disagreement with a visit record'
				: 'A comment on confirming a visit record';
	return { title, typed: named };
}

/** Fields a form keeps for itself, not typed by the person (the mark's values it opened on). */
const INTERNAL = new Set(['from']);

/**
 * What a form starts with that is not blank, for drafts kept before `KeptDraft` kept only what
 * differs from its form's defaults: left as it was, it is not typing. A review's date starts as
 * the day it was typed (`on`, compared with the day of `@at`).
 */
const DEFAULTS: Record<string, Record<string, string>> = {
	review: { kind: 'ofsted', reviewer: 'Ofsted', framework: 'ofsted-2025' },
	school: { phase: 'primary' }
};

/** Whether `field` holds its form's own default (`DEFAULTS`), not something the person typed. */
function isDefault(form: string, field: string, text: string, at: unknown): boolean {
	if (DEFAULTS[form]?.[field] === text) return true;
	return (
		form === 'review' && field === 'on' && typeof at === 'number' && today(new Date(at)) === text
	);
}

/** Choices kept as codes, in the words their form shows (kept here: the domain's lists bring zod). */
const VALUES: Record<string, Record<string, Record<string, string>>> = {
	progress: { status: { 'in-progress': 'In progress', done: 'Done', open: 'Not started' } },
	concern: {
		level: {
			watch: 'Keep under review',
			action: 'Needs action this term',
			urgent: 'Urgent: needs action now'
		}
	}
};

/** The visit calendar's boxes, one of each a term (`focus-0` is term 1's focus), as it labels them. */
const CALENDAR_BOXES: Record<string, string> = {
	focus: 'Focus',
	focusAreas: 'Discussion areas a termly visit starts with',
	documents: 'Documents provided before the visit',
	completedOnDay: 'Completed on the day',
	activities: 'Possible joint activities'
};

/**
 * `successCriteria` → "Success criteria"; a grid's cell `row|col` → "row, col"; the calendar's
 * `documents-2` → "Term 3: Documents provided before the visit".
 */
function label(form: string, field: string): string | null {
	const box = form === 'calendar' ? /^(\w+)-(\d+)$/.exec(field) : null;
	const boxLabel = box ? CALENDAR_BOXES[box[1]!] : undefined;
	if (box && boxLabel) return `Term ${Number(box[2]) + 1}: ${boxLabel}`;
	const named = FIELDS[form]?.[field];
	if (named !== undefined) return named;
	if (field.includes('|')) return field.split('|').join(', ');
	const words = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
	return sentenceStart(words);
}

/** A kept value as its form shows it: a choice in words, a date as people write it. */
function shown(form: string, field: string, text: string): string {
	const word = VALUES[form]?.[field]?.[text];
	if (word) return word;
	return /^\d{4}-\d{2}-\d{2}$/.test(text) ? formatDate(text) : text;
}

const PREFIX = 'si:draft:';
/** A tab's id in a draft's key (`tab.ts`): 8 hex digits after a `#`, which no form's id ends with. */
const TAB = /#([0-9a-f]{8})$/;

/**
 * Where `user`'s draft of the form `what` (`progress:<step id>`) typed in the tab `tab` is kept:
 * `si:draft:<what>#<tab>:<user>`, a `userKey`, which signing out removes. Without a tab (no Web
 * Locks) one slot for every tab, `si:draft:<what>:<user>`, as before each tab kept its own.
 */
export const draftKey = (user: string, what: string, tab: string | null) =>
	`${PREFIX}${what}${tab === null ? '' : `#${tab}`}:${user}`;

/** What every key of a draft of the form `what` starts with, whoever typed it and in which tab. */
export const draftKeyPrefix = (what: string) => `${PREFIX}${what}`;

/** The form and the tab a key of `user`'s draft names (`draftKey`), or null for another key. */
export function parseDraftKey(
	key: string,
	user: string
): { what: string; tab: string | null } | null {
	const suffix = `:${user}`;
	if (!key.startsWith(PREFIX) || !key.endsWith(suffix)) return null;
	const named = key.slice(PREFIX.length, -suffix.length);
	const tab = TAB.exec(named);
	return tab ? { what: named.slice(0, tab.index), tab: tab[1]! } : { what: named, tab: null };
}

/** When a kept draft was last written (`@at`), 0 when it does not say. */
function keptAt(raw: string | null): number {
	try {
		const v: unknown = JSON.parse(raw ?? 'null');
		const at = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[AT] : null;
		return typeof at === 'number' ? at : 0;
	} catch {
		return 0;
	}
}

/**
 * The draft a form on `what` opens on in the tab `own`: its own, if it has one; else the newest
 * one left by a tab no longer alive (not in `live`) or kept before each tab kept its own, for the
 * form to take over. Never another live tab's: that text is on its screen, and taken it would be
 * sent twice. Nor one written after `since`, when `live` was asked: its tab may have started since.
 * Null: there is none.
 */
export function slotToOpen(
	storage: Pick<Storage, 'length' | 'key' | 'getItem'>,
	opts: { user: string; what: string; own: string; live: ReadonlySet<string>; since: number }
): string | null {
	let best: { key: string; at: number } | null = null;
	for (let i = 0; i < storage.length; i++) {
		const key = storage.key(i);
		const slot = key === null ? null : parseDraftKey(key, opts.user);
		if (!key || !slot || slot.what !== opts.what) continue;
		if (slot.tab === opts.own) return key;
		if (slot.tab !== null && opts.live.has(slot.tab)) continue;
		const at = keptAt(storage.getItem(key));
		if (at > opts.since) continue;
		if (!best || at > best.at) best = { key, at };
	}
	return best?.key ?? null;
}

/** `user`'s kept drafts in `storage`, with what each holds; unreadable ones are left out. */
export function readKeptDrafts(
	storage: Pick<Storage, 'length' | 'key' | 'getItem'>,
	user: string
): KeptDraftEntry[] {
	const out: KeptDraftEntry[] = [];
	for (let i = 0; i < storage.length; i++) {
		const key = storage.key(i);
		const slot = key === null ? null : parseDraftKey(key, user);
		if (!key || !slot) continue;
		const { what, tab } = slot;
		let raw: unknown;
		try {
			raw = JSON.parse(storage.getItem(key) ?? 'null');
		} catch {
			continue;
		}
		if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
		const value = raw as Record<string, unknown>;
		const form = what.split(':')[0] ?? '';
		const at = value[AT];
		const kept = Object.entries(value).filter(
			(e): e is [string, string] =>
				!e[0].startsWith('@') &&
				!INTERNAL.has(e[0]) &&
				typeof e[1] === 'string' &&
				e[1].trim() !== '' &&
				!isDefault(form, e[0], e[1], at)
		);
		const typed = kept.flatMap(([field, text]) => {
			const named = label(form, field);
			return named === null ? [] : [{ field, label: named, text: shown(form, field, text) }];
		});
		const page = value[PAGE];
		const where = value[WHERE];
		out.push({
			key,
			tab,
			title: DRAFT_FORMS[form] ?? 'A form',
			form,
			record: what.slice(form.length + 1) || null,
			at: typeof at === 'number' ? at : null,
			// Only a path of this app: the value is the device's own, but a link must not leave it.
			page: typeof page === 'string' && /^\/(?!\/)/.test(page) ? page : null,
			where: typeof where === 'string' && where ? where : null,
			typed,
			values: Object.fromEntries(
				Object.entries(value).filter(
					(e): e is [string, string] => !e[0].startsWith('@') && typeof e[1] === 'string'
				)
			),
			choices: kept.length - typed.length
		});
	}
	return out.sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || a.key.localeCompare(b.key));
}

/** Whether anything was typed or chosen in a draft: one with nothing is not kept work. */
export const hasSomething = (d: KeptDraftEntry) => d.typed.length > 0 || d.choices > 0;

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
		(d) => hasSomething(d) && !opts.isOpen(d.key) && opts.now - (d.at ?? 0) >= opts.restMs
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
