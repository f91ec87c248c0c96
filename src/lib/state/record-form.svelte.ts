import { untrack } from 'svelte';
import { withItemIds, type DraftError, type FieldPath } from '$lib/domain';
import { valueAt } from '$lib/db/names';
import type { WriteContext } from '$lib/db/repository';
import type { Doc } from '$lib/sync/merge';
import { Autosave } from './autosave.svelte';
import { same, takeInAtFocus, type Focus } from './rebase';
import { holdOpen, readUnsaved, recordDb, unsavedKey, type Unsaved } from './unsaved';
import { keepNote, recoverNote } from './kept-notes';
import { withoutOutgrown } from './outgrown';
import { workspace } from './workspace.svelte';

/** The generation of a revision ("3-abc…" is 3); 0 for none. */
const generation = (rev: string | undefined) => (rev ? Number.parseInt(rev, 10) || 0 : 0);

function pick<D extends Doc, K extends keyof D & string>(doc: D, fields: readonly K[]): Pick<D, K> {
	const out = {} as Pick<D, K>;
	for (const k of fields) out[k] = doc[k];
	return out;
}

function omit<D extends Doc>(doc: D, fields: readonly string[]): Record<string, unknown> {
	const out: Record<string, unknown> = { ...doc };
	for (const k of fields) delete out[k];
	return out;
}

export interface RecordFormOptions<D extends Doc, K extends keyof D & string> {
	/** The open record as the read model delivers it; read again whenever it changes. */
	record: () => D;
	/** The fields the form edits; everything else is the record's own. */
	fields: readonly K[];
	/**
	 * Write `merge3(base, draft, latest)` (see `saveChanges`) with `ctx` and give back the written
	 * revision.
	 */
	save: (ctx: WriteContext, base: D, draft: D) => Promise<D>;
	/**
	 * What stops the draft being saved as it stands (a required field emptied), said beside its
	 * field. While there is any, nothing is written: the draft stays on screen and on the device.
	 */
	problems?: (draft: Pick<D, K>) => DraftError[];
	/**
	 * What of the draft a save leaves out for now, each said beside its field (`left`), while the
	 * rest is saved (`ready`): a person in "Who attended" with no name yet (`bookletReady`), against
	 * `base`, the record as the form last had it. What is left out stays on screen and on the
	 * device.
	 */
	leaveOut?: (draft: Pick<D, K>, base: D | null) => { ready: Pick<D, K>; left: DraftError[] };
}

/**
 * One pattern for every form that edits a record (issue 12). The form keeps `base`, the revision it
 * opened on (or last saved, or took in), and its `draft`. A save writes only what the person
 * changed since `base` onto the latest revision (`merge3(base, draft, latest)`), so two tabs or
 * devices editing different fields or items never overwrite each other, and the same field edited
 * in both is kept as a choice (or joined, when they changed different lines of a text: `joinTexts`
 * in merge.ts). A newer revision arriving from elsewhere is taken into the fields the
 * person has not changed, never the one they are in (`keep`), so text never moves under the cursor;
 * that one takes it as the cursor leaves it (`focusout`), if the person did not change it, and
 * meanwhile says it is not the record's text (`elsewhere`), offering the record's (`showRecordText`).
 * A select or tick box with the focus is not kept: nothing is typed in it, so it shows the new
 * value at once, unless the person changed it and has not saved yet, and says so (`picked`).
 *
 * Until a change is saved it is also kept in localStorage, written in the same task as the change
 * (`Unsaved` in unsaved.ts: the form's base and draft, for its fields only), and in IndexedDB a
 * moment later for a browser killed outright (`keepNote`). A save to the record takes a moment, and
 * a reload, a closed tab or a killed browser in that moment cut it short; the form opened again on
 * the record takes in what was kept, as it takes in a revision from elsewhere, and saves it. The
 * app's next start saves what was kept for records no form opens (`saveUnsaved`).
 *
 * Inputs name their place in the record with `data-path={form.path(...)}`; the form element gets
 * `onfocusin={form.focusin}` and `onfocusout={form.focusout}`, and calls `form.changed()` on input.
 * Create it during component initialisation.
 */
export class RecordForm<D extends Doc, K extends keyof D & string> {
	draft = $state() as Pick<D, K>;
	readonly autosave: Autosave<true>;
	/** Why the draft cannot be saved yet (`RecordFormOptions.problems`); empty when it can. */
	readonly problems: DraftError[] = $derived.by(() => this.#options.problems?.(this.draft) ?? []);
	/**
	 * What saves leave out for now (`RecordFormOptions.leaveOut`); empty when they leave nothing.
	 * Read against the record as this form last had it, which a save or a revision taken in sets
	 * with the draft.
	 */
	readonly left: DraftError[] = $derived.by(
		() => this.#options.leaveOut?.(this.draft, this.#base).left ?? []
	);
	/** Whether the draft holds anything the record does not (kept on the device meanwhile). */
	#holding = $state(false);
	/**
	 * Why typing on screen is not in the record and no save under way will put it there: the draft
	 * cannot be saved as it stands, its save was refused or failed, or saves leave part of it out.
	 * Null while there is nothing of the kind. Listed with the typing not saved (`unsavedLeft`), so
	 * that no status says everything is saved or sent meanwhile.
	 */
	readonly notSaved: string | null = $derived.by(() => {
		if (!this.#holding) return null;
		const words = (errors: DraftError[]) => errors.map((e) => `${e.message}.`).join(' ');
		if (this.problems.length > 0) return words(this.problems);
		const state = this.autosave.state;
		if (state === 'refused' || state === 'failed') return this.autosave.message;
		if (state === 'saved' && this.left.length > 0) return words(this.left);
		return null;
	});
	/**
	 * The `data-path` of the box the cursor is in when the record's text for it was changed in
	 * another tab or on another device: the box keeps the person's text (it never moves under the
	 * cursor), so it is not what the record says. Null otherwise. The box says so beside it
	 * (`ChangedElsewhere`), and the status line does not call it saved.
	 */
	elsewhere = $state<string | null>(null);
	/**
	 * The select or tick box with the focus whose value a revision from elsewhere changed
	 * (`FocusNews`): it shows that value (`now`), or keeps the person's unsaved one (`both`, its save
	 * asking which to keep). `value` is the one from elsewhere, `shown` the one on screen then. Said
	 * beside it (`ChangedElsewhere` with `words`) until the focus leaves it or the person changes it.
	 */
	picked = $state<{ path: string; news: 'now' | 'both'; value: unknown; shown: unknown } | null>(
		null
	);
	#base: D;
	/** The latest revision the form has seen: taken in from elsewhere, or written by its save. */
	#latest: D;
	#fields: readonly K[];
	#options: RecordFormOptions<D, K>;
	#focus: Focus | null = null;
	#saving = false;
	/** A revision that arrived while a save was being written; taken in once it is. */
	#arrived: D | null = null;
	/** Where unsaved changes are kept (see above); null without a signed-in person. */
	readonly #unsaved: string | null;
	readonly #db: string;
	/** Whether the person has changed anything since the form opened, and whether it has closed. */
	#touched = false;
	#closed = false;
	/**
	 * How many kept notes were taken in, and how many of them a save has since written. A base taken
	 * from a note can be older than what the record already holds of the note's typing, so the save
	 * after one never joins texts.
	 */
	#notesTaken = 0;
	#notesSaved = 0;

	constructor(options: RecordFormOptions<D, K>) {
		this.#options = options;
		this.#fields = options.fields;
		this.#base = withItemIds(untrack(() => $state.snapshot(options.record())) as D);
		this.#latest = this.#base;
		this.draft = pick(this.#base, this.#fields);
		this.autosave = new Autosave<true>(() => this.#write());
		const user = workspace.user?.name;
		this.#db = recordDb(this.#base);
		this.#unsaved = user ? unsavedKey(user, this.#db, this.#base._id) : null;
		const key = this.#unsaved;
		// Typing the browser's end cut short (killed before localStorage reached the disk): the note
		// IndexedDB kept is taken in as below, unless the person has typed since. Asked before the
		// form writes anything.
		if (key) {
			void recoverNote(key, () => this.#touched).then((lost) => {
				if (lost && !this.#closed) this.#takeNote();
			});
		}
		// Typing the page's end cut short: taken in as changes from elsewhere are, then saved.
		this.#takeNote();
		$effect(() => {
			const incoming = $state.snapshot(options.record()) as D;
			untrack(() => this.absorb(incoming));
		});
		// While open, the form saves what it kept itself; the start's save leaves it alone.
		if (key) {
			$effect(() => {
				const release = holdOpen(key);
				return () => {
					this.#closed = true;
					release();
				};
			});
			// Typing this form holds and cannot save is counted and listed at once, not at the next
			// start; it stays listed when the form closes, until a save (here or the start's) writes
			// it (`#keep` forgets it then) or the person discards it on the Sync page.
			$effect(() => {
				const reason = this.notSaved;
				if (reason === null) return;
				untrack(() => workspace.listUnsaved({ key, db: this.#db, id: this.#base._id, reason }));
			});
		}
	}

	/** The note of unsaved typing kept for this record, taken in and saved. */
	#takeNote(): void {
		const note = this.#unsaved ? readUnsaved(this.#unsaved) : null;
		// Typing a later save from this device already holds is not taken in again as a clash.
		const kept =
			note && workspace.session
				? withoutOutgrown(note, this.#base, {
						by: workspace.session.name,
						device: workspace.ctx.device ?? ''
					})
				: note;
		if (!kept) return;
		this.#notesTaken++;
		this.#takeIn({ ...this.#base, ...kept.base }, { ...this.#base, ...kept.draft }, this.#base);
		if (!this.#saved()) this.#changed();
	}

	/** The revision the draft is measured against (for tests and the conflict notice). */
	get base(): D {
		return this.#base;
	}

	/** Note that the person changed something: it is saved within a moment. */
	changed = (): void => {
		this.#touched = true;
		// The person's own pick speaks for itself.
		const picked = this.picked;
		if (picked && !same(valueAt(this.draft, JSON.parse(picked.path) as FieldPath), picked.shown)) {
			this.picked = null;
		}
		this.#changed();
	};

	#changed(): void {
		this.#keep();
		if (this.problems.length > 0) return;
		this.autosave.change(true);
	}

	/** `data-path` of an input: where its value sits in the record. */
	path(...path: string[]): string {
		return JSON.stringify(path);
	}

	focusin = (event: FocusEvent): void => {
		// The notice beside a box changed elsewhere speaks for that box: the box is still kept.
		if ((event.target as Element | null)?.closest?.('[data-elsewhere]')) return;
		const el = (event.target as Element | null)?.closest?.('[data-path]');
		const raw = el?.getAttribute('data-path');
		const pick =
			el instanceof HTMLSelectElement ||
			(el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio'));
		if (this.picked && this.picked.path !== raw) this.picked = null;
		try {
			this.#focus = raw ? { path: JSON.parse(raw) as FieldPath, pick } : null;
		} catch {
			this.#focus = null;
		}
	};

	/** Whether `target` is in the notice beside the box changed elsewhere, or is that box. */
	#inNotice(target: EventTarget | null): boolean {
		const el = target as Element | null;
		if (!this.elsewhere || !el?.closest) return false;
		const box = el.closest('[data-path]')?.getAttribute('data-path');
		return el.closest('[data-elsewhere]') !== null || box === this.elsewhere;
	}

	focusout = (event?: FocusEvent): void => {
		// Going to the notice beside the box (or back from it): the box keeps the person's text until
		// they ask for the record's or leave both.
		if (this.#inNotice(event?.relatedTarget ?? null)) return;
		this.#focus = null;
		this.elsewhere = null;
		this.picked = null;
		// The box just left may show an older text than the record holds (a version that arrived while
		// the cursor was in it): it takes the record's now, unless the person changed it.
		if (this.#saving) return;
		const latest = withItemIds($state.snapshot(this.#options.record()) as D);
		if (generation(latest._rev) < generation(this.#base._rev)) return;
		const fields = this.#fields;
		if (fields.every((k) => same(latest[k], this.#base[k]))) return;
		this.#takeIn(this.#base, this.#full(), latest);
	};

	/**
	 * Show in the box changed elsewhere what the record says now (the person asked, from the notice
	 * beside it). Their typing is written first, so it is in the record (joined) or kept as a choice,
	 * never dropped; a box whose typing cannot be saved keeps it.
	 */
	showRecordText = async (): Promise<void> => {
		if (!this.elsewhere) return;
		await this.flush();
		this.#focus = null;
		// The box differs no longer, and the notice goes (`#takeIn`), unless its typing is held.
		this.#takeIn(this.#base, this.#full(), this.#latest);
	};

	#full(): D {
		return { ...this.#base, ...($state.snapshot(this.draft) as Pick<D, K>) } as D;
	}

	/**
	 * Take in a newer revision of the record that arrived from elsewhere (another tab, a sync). The
	 * person's unsaved changes and the field they are in stay as they are; everything else shows the
	 * incoming values.
	 */
	absorb(raw: D): void {
		const incoming = withItemIds(raw);
		const current = this.#base._rev;
		if (incoming._rev === current) return;
		// The read model can deliver an older revision than the form has just written.
		if (generation(incoming._rev) < generation(current)) return;
		this.#latest = incoming;
		if (this.#saving) {
			this.#arrived = incoming;
			return;
		}
		this.#takeIn(this.#base, this.#full(), incoming);
	}

	/** Merge `incoming` into the draft (measured from `old`) and carry on from it as the base. */
	#takeIn(old: D, draft: D, incoming: D): void {
		const focus = this.#focus;
		const next = takeInAtFocus(old, draft, incoming, this.#fields, focus);
		this.#base = next.base;
		// The control with the focus changed under it, said beside it (`FocusNews`): a box kept the
		// person's text (no longer said once its text is the record's again), or a select or tick box
		// took the new value or kept the person's.
		const record = (path: FieldPath) => valueAt(incoming, path);
		const { news } = next;
		if (focus && (news === 'now' || news === 'both')) {
			const shown = valueAt(next.draft, focus.path);
			this.picked = { path: JSON.stringify(focus.path), news, value: record(focus.path), shown };
		} else if (focus && news === 'kept') {
			this.elsewhere = JSON.stringify(focus.path);
		} else if (this.elsewhere) {
			const path = JSON.parse(this.elsewhere) as FieldPath;
			if (same(valueAt(next.draft, path), record(path))) this.elsewhere = null;
		}
		// Only the fields that differ are set, so inputs that did not change are not touched.
		const now = $state.snapshot(this.draft) as Pick<D, K>;
		for (const k of this.#fields) if (!same(now[k], next.draft[k])) this.draft[k] = next.draft[k];
		this.#keep();
	}

	/** Whether the draft holds nothing the base does not. */
	#saved(): boolean {
		const draft = $state.snapshot(this.draft) as Pick<D, K>;
		return this.#fields.every((k) => same(draft[k], this.#base[k]));
	}

	/** Keep what is not saved yet on the device (`keepNote`), or forget it once everything is. */
	#keep(): void {
		const saved = this.#saved();
		this.#holding = !saved;
		if (!this.#unsaved) return;
		if (saved) {
			keepNote(this.#unsaved, null);
			// Typing the start could not save, listed on the Sync page, is saved now.
			workspace.forgetUnsaved(this.#unsaved);
			return;
		}
		const kept: Unsaved = {
			db: this.#db,
			id: this.#base._id,
			base: pick(this.#base, this.#fields),
			draft: $state.snapshot(this.draft) as Record<string, unknown>,
			at: Date.now()
		};
		// A record never written (an overview no one has begun) is made from its other fields.
		if (!this.#base._rev) kept.own = omit(this.#base, this.#fields);
		// Storage full or refused: the change is still on screen and saved as before.
		keepNote(this.#unsaved, JSON.stringify(kept));
	}

	async #write(): Promise<void> {
		// A save asked for just before the draft went wrong (or as the form closed) waits for it to be
		// put right: the draft is kept meanwhile.
		if (this.problems.length > 0) return;
		const full = this.#full();
		// What the save leaves out for now stays in the draft, as typing since the save would.
		const sent = this.#options.leaveOut
			? ({ ...full, ...this.#options.leaveOut(full, this.#base).ready } as D)
			: full;
		const notes = this.#notesTaken;
		this.#saving = true;
		try {
			// Unless a kept note was taken in since the last save, the base is an ancestor of both the
			// draft and the latest revision (see `rebase`): text the person and someone else changed
			// apart is joined, as a resolution joins it.
			const ctx = { ...workspace.ctx, joinTexts: notes === this.#notesSaved };
			const written = withItemIds(await this.#options.save(ctx, this.#base, sent));
			if (generation(written._rev) >= generation(this.#latest._rev)) this.#latest = written;
			// From now on the base is what this save sent or wrote.
			this.#notesSaved = notes;
			// What was typed while the save was written stays; the rest is the written revision.
			this.#takeIn(sent, this.#full(), written);
		} finally {
			this.#saving = false;
			const arrived = this.#arrived;
			this.#arrived = null;
			if (arrived) this.absorb(arrived);
		}
	}

	/** Write any change now. */
	flush(): Promise<void> {
		return this.autosave.flush();
	}
}
