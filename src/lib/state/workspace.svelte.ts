import Dexie, { liveQuery, type Subscription } from 'dexie';
// Narrow imports, here and in everything the first screen draws: the domain's index builds every
// schema the app has, which a cold start on a phone cannot afford before its first paint (issue 17).
import {
	assignedSchools,
	governedSchools,
	hasRole,
	onlyGovernor,
	visitorTitles,
	type UserCtx,
	type VisitorTitle
} from '$lib/domain/roles';
import {
	CONCERNS_DB,
	governorsDbName,
	PEOPLE_ID,
	schoolDbName,
	schoolIdFromDbName,
	schoolIdFromGovernorsDb,
	TRUST_DB
} from '$lib/domain/databases';
import type { PeopleDirectory } from '$lib/domain/people';
import {
	openReadModel,
	readModelName,
	type ChoiceRow,
	type ConflictRow,
	type ReadModel
} from '$lib/db/read-model';
import type { Projector } from '$lib/db/projector';
import type { WriteContext } from '$lib/db/repository';
import { deviceName } from '$lib/sync/device';
import { COMPACT_AFTER_START_MS, CompactionClock } from '$lib/sync/compaction';
import type { PendingTracker } from '$lib/sync/pending';
import { deferredDb, watchWrites } from '$lib/state/deferred-db';
import { storageReport } from '$lib/state/storage';
import { storageFailure } from '$lib/db/storage-refused';
import { firstAnswers } from '$lib/state/live.svelte';
import { forgetKept, readAhead } from '$lib/state/watch-tables';
import { isOpen, unsavedIn, unsavedKeys } from '$lib/state/unsaved';
import { forgetNotes, keepNote, recoverNotes } from '$lib/state/kept-notes';
import { hasSomething, readKeptDrafts } from '$lib/state/kept-drafts';
import { claimTab } from '$lib/state/tab';
import type { LeftNote } from '$lib/state/save-unsaved';
import type { RecordFacts } from '$lib/state/record-standing';
import type { Replicator, SyncEvent } from '$lib/sync/replicator';
import type { Describe } from '$lib/sync/late-changes';
import {
	currentUser,
	loadSession,
	recoverSession,
	signedOutSince,
	signIn as signInRemote,
	signOutRemote,
	storeSession,
	userKey,
	type StoredSession
} from '$lib/sync/session';

/**
 * The databases a person's device holds, schools first (a head's or SIL's own records are what
 * the first screen shows). Concerns are raised by leads to the CEO; a head's device never holds
 * them. The trust's sync server sends a lead only their own schools' (`mayReadConcernsOf`);
 * CouchDB, all.
 */
function dbsOf(user: UserCtx): string[] {
	// A chair of governors holds the copies sent to them and nothing else: not even the trust's
	// database, whose people directory is staff personal data.
	if (onlyGovernor(user)) return governedSchools(user).map(governorsDbName);
	const dbs = [...assignedSchools(user).map(schoolDbName), TRUST_DB];
	if (hasRole(user, 'sil') || hasRole(user, 'ceo')) dbs.push(CONCERNS_DB);
	return dbs;
}

/** A problem with sync, in words a person can act on. */
export type SyncProblem =
	| { kind: 'session-expired' }
	| { kind: 'unreachable'; message: string }
	| { kind: 'failed'; message: string };

export interface Refusal {
	db: string;
	docId: string;
	reason: string;
	at: string;
}

/** A school taken away from this person, kept on this device for what was not sent. */
export interface TakenAway {
	db: string;
	/** Changes and typing made on this device that the trust had not taken; null: not counted. */
	unsent: number | null;
}

/** A record this device holds that the trust has not acknowledged. */
export interface WaitingRecord {
	db: string;
	id: string;
	deleted: boolean;
}

type Engine = typeof import('./engine');
let engineLoad: Promise<Engine> | null = null;
/**
 * A new task: what follows runs after the browser has had a turn (input first). `scheduler.yield`
 * where there is one: a timer chained from timers waits at least 4 ms, which a CEO's device,
 * opening fifty schools one after another, would pay at every step.
 */
const nextTask = (): Promise<void> =>
	typeof globalThis.scheduler?.yield === 'function'
		? globalThis.scheduler.yield()
		: new Promise((resolve) => setTimeout(resolve, 0));

/**
 * PouchDB and the sync machinery, fetched once (src/lib/state/engine.ts says why apart). Loaded in
 * three steps, each run in a task of its own: zod with the domain's modules, then PouchDB, then the
 * rest of the engine. Run in one task they took about 80-110 ms of a phone's main thread (4x
 * throttling), a long task just after the first screen, while the head may already be typing
 * (issue 17).
 */
const loadEngine = (): Promise<Engine> => {
	engineLoad ??= import('$lib/domain')
		.then(nextTask)
		.then(() => import('pouchdb-browser'))
		.then(nextTask)
		.then(() => import('./engine'))
		.catch((err: unknown) => {
			engineLoad = null;
			throw err;
		});
	return engineLoad;
};

/**
 * Runs `work` once the browser has drawn the first screen with its records: opening, catching up
 * and replicating the databases (PouchDB) is then no longer in the way of a cold start's first
 * screen, nor are its reads of the read model queued behind PouchDB's (issue 17).
 */
function afterFirstScreen(work: () => void): void {
	let done = false;
	const once = () => {
		if (done) return;
		done = true;
		work();
	};
	// The screen's components have mounted by the first frame, and their queries have started.
	requestAnimationFrame(() => {
		void firstAnswers().then(() => requestAnimationFrame(() => setTimeout(once, 0)));
	});
	// A page opened in the background draws no frame, and a query may never answer: the databases
	// open all the same.
	setTimeout(once, 2000);
}

/** The longest a kept note waits for its database's first pass with the trust before it is saved. */
const CATCH_UP_MS = 30_000;

/** A list of names kept in localStorage; anything unreadable counts as none. */
function readList(stored: string | null): string[] {
	try {
		const list: unknown = JSON.parse(stored ?? '[]');
		return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
	} catch {
		return [];
	}
}

/** The schools taken away kept on this device (`TakenAway`), as localStorage holds them. */
function readTakenAway(stored: string | null): TakenAway[] {
	try {
		const list: unknown = JSON.parse(stored ?? '[]');
		if (!Array.isArray(list)) return [];
		return list.flatMap((t: unknown) => {
			const { db, unsent } = (t ?? {}) as Record<string, unknown>;
			if (typeof db !== 'string') return [];
			return [{ db, unsent: typeof unsent === 'number' ? unsent : null }];
		});
	} catch {
		return [];
	}
}

/**
 * Everything the signed-in person works with: their session, local databases, the read model,
 * and live sync with the trust. One instance for the app.
 */
class Workspace {
	session = $state<StoredSession | null>(null);
	/** True once the screens can draw: the read model is open (its databases may still be catching up). */
	ready = $state(false);
	online = $state(true);
	syncing = $state(false);
	/** Records the trust has not acknowledged, from the local databases (they survive a reload). */
	waiting = $state<WaitingRecord[]>([]);
	pending = $derived(this.waiting.length);
	/** A change made on this device that the waiting count has not counted yet. */
	justChanged = $state(false);
	/** When each record this device sent was last known to be at the trust, by `db/id`. */
	sentAt = $state<Record<string, string>>({});
	/** Records holding choices a person has to make, and documents with unsettled revisions. */
	choices = $state<ChoiceRow[]>([]);
	/** Records with choices someone else makes (a head seeing choices in the visitor's record). */
	othersChoices = $state<ChoiceRow[]>([]);
	conflicts = $state<ConflictRow[]>([]);
	lastSyncAt = $state<string | null>(null);
	problem = $state<SyncProblem | null>(null);
	refusals = $state<Refusal[]>([]);
	/**
	 * Typing an editor kept and the start could not save (its record gone, or refusing it): kept
	 * on this device and shown on the Sync page, to be copied or discarded (`saveUnsaved`).
	 */
	unsavedLeft = $state<LeftNote[]>([]);
	/**
	 * Schools an administrator took away from this person while changes made to them on this
	 * device were still waiting: the trust no longer takes them, so they are kept, counted with
	 * what waits, and shown on the Sync page until the person removes them (`removeTakenAway`), the
	 * school is given back, or they sign out. A school taken away with nothing waiting leaves the
	 * device at once (`#takenAway`).
	 */
	takenAway = $state<TakenAway[]>([]);
	/** Of the records waiting, those of schools taken away (`takenAway`): the trust no longer takes them. */
	stranded = $derived(this.waiting.filter((w) => this.takenAway.some((t) => t.db === w.db)).length);
	/** The trust's people, full name by user name (`PeopleDirectory`), to name who wrote what. */
	people = $state<Record<string, string>>({});
	/** Each visitor's title in words by user name ("Lead practitioner"): `visitorTitles`. */
	visitorTitles = $state<Readonly<Record<string, string>>>({});
	/** The person's own title as a visitor, when an administrator gave one (`VISITOR_TITLES`). */
	myTitle = $state<VisitorTitle | undefined>(undefined);
	/** Set when the device is close to the storage the browser allows this app. */
	storageLow = $state(false);
	/**
	 * The device refused a write for lack of space (a save, a sync pass or the lists), until a save
	 * or a sync pass goes through. Chromium's storage estimate no longer says when space is short
	 * (it reports what is used plus a fixed amount), so this is the warning that holds there.
	 */
	storageFull = $state(false);
	/**
	 * The lists on screen may be out of date: the read model failed to take in one of the device's
	 * databases twice in a row, and has not caught up since (see `Projector`). What is saved is in
	 * PouchDB all the same, and is sent.
	 */
	listsBehind = $state(false);

	#rm: ReadModel | null = null;
	#engine: Engine | null = null;
	#projector: Projector | null = null;
	#replicator: Replicator | null = null;
	#dbs = new Set<string>();
	/**
	 * The schools the trust's list of people gave this person (supported, led) when last read, and
	 * whether the server is to be asked for their roles (`#checkRoles`).
	 */
	#schoolsSeen: string | null = null;
	#rolesStale = false;
	#schoolsWatch: Subscription | null = null;
	#choicesWatch: Subscription | null = null;
	/** Stops reading the CEO's dashboard ahead. */
	#stopReadAhead: (() => void) | null = null;
	/** Stops hearing of local databases opened again after their connection failed. */
	#stopReopening: (() => void) | null = null;
	#peopleWatch: Subscription | null = null;
	#pendingTimer: ReturnType<typeof setTimeout> | undefined;
	#countAskedAt: number | null = null;
	/**
	 * Local writes begun, counted: a recount that began before the latest of them must not say
	 * it was counted (`justChanged`), or "All changes sent" would show while it waits.
	 */
	#writesBegun = 0;
	#tracker: PendingTracker | null = null;
	/** Databases whose replication is busy; `syncing` is true while any is. */
	#busy = new Set<string>();
	/**
	 * Databases not yet synced since the app opened; `checking` is true while any is, and from the
	 * moment a session opens until its databases are open: before then nothing has been counted,
	 * and "All changes sent" would not be a fact.
	 */
	#unchecked = new Set<string>();
	#opening = false;
	/**
	 * For the CEO and administrators, whose databases are every school in the trust's registry:
	 * whether the schools the trust's first pass since opening brought are added (and so unchecked).
	 */
	#registryRead = false;
	checking = $state(false);
	/**
	 * Databases whose first sync with the trust has finished on this device, kept across reloads:
	 * until then a school's counts are not facts yet, and its screens say they are loading.
	 */
	firstSynced = $state<string[]>([]);
	#syncedBefore = $state(false);
	/** Databases being resolved now, and when each was last compacted (issue 12). */
	#resolving = new Map<string, Promise<void>>();
	#compaction: CompactionClock | null = null;
	#compactLater = new Set<string>();

	/**
	 * Whether the trust can be reached, as far as this device knows: online, and sync neither out of
	 * reach of it nor signed out by it. What is saved while it cannot is sent when it can.
	 */
	get reachable(): boolean {
		return (
			this.online &&
			this.problem?.kind !== 'unreachable' &&
			this.problem?.kind !== 'session-expired'
		);
	}

	get user(): UserCtx | null {
		return this.session ? { name: this.session.name, roles: this.session.roles } : null;
	}

	/** The read model; only call once `session` is set. */
	get rm(): ReadModel {
		if (!this.#rm) throw new Error('No one is signed in on this device.');
		return this.#rm;
	}

	get ctx(): WriteContext {
		const session = this.session;
		if (!session) throw new Error('No one is signed in on this device.');
		const engine = this.#engine;
		return {
			user: { name: session.name, roles: session.roles },
			// In the moment before the engine has loaded, a save waits for it.
			dbFor: (db) =>
				watchWrites(
					engine
						? engine.localDb(session.name, db)
						: deferredDb(() => loadEngine().then((e) => e.localDb(session.name, db))),
					{
						// The status says "Sending" from the moment a write starts, not once the
						// database's changes feed has told the count (a moment after the save shows).
						before: () => {
							this.#writesBegun++;
							this.justChanged = true;
						},
						after: () => this.#countPending(),
						stored: () => (this.storageFull = false),
						failed: (err) => this.#refused(err),
						// A database whose connection failed is opened again, and the save tried on it.
						reopen: (err, failedOn) =>
							engine?.reopenIfBroken(session.name, db, err, failedOn) ?? Promise.resolve(null)
					}
				),
			device: deviceName(session.name, session.signedInAt),
			fullName: session.fullName
		};
	}

	/** Called once when the app starts: reopen the session kept on this device, if any. */
	init(): void {
		// Marks on the performance timeline (bench/head-cold-start.ts prints them).
		performance.mark('si:init');
		// This tab's id, for the drafts it keeps (`DraftSlot`): known by the time a form opens.
		void claimTab();
		this.online = navigator.onLine;
		window.addEventListener('online', () => {
			this.online = true;
			this.#busy.clear();
			this.#replicator?.restart();
			void this.#checkRoles();
		});
		window.addEventListener('offline', () => {
			this.online = false;
		});
		const session = loadSession();
		if (!session) return void this.#recoverSession();
		this.#open(session);
		// Signed out, then the browser killed before localStorage reached the disk: the sign-out ends.
		// Asked once the first screen is drawn: a cold start does not wait for IndexedDB's answer.
		afterFirstScreen(() => {
			void signedOutSince(session).then(
				(out) => {
					if (out && this.session?.signedInAt === session.signedInAt) void this.signOut();
				},
				() => undefined
			);
		});
	}

	/** No session in localStorage: take back the one IndexedDB kept, if any, or show the sign-in. */
	async #recoverSession(): Promise<void> {
		const kept = await recoverSession().catch(() => null);
		if (this.session) return;
		if (kept) this.#open(kept);
		else this.ready = true;
	}

	async signIn(name: string, password: string): Promise<void> {
		const session = await signInRemote(name, password);
		const same = this.session?.name === session.name;
		storeSession(session);
		// Name the device now, from this sign-in; it keeps the name until the person signs out.
		deviceName(session.name, session.signedInAt);
		if (same && this.#rm && this.#engine) {
			// Signing in again after a session expired: carry on where sync stopped.
			this.session = session;
			this.problem = null;
			this.#replicator?.stop();
			this.#replicator = this.#newReplicator(this.#engine, session.name);
			for (const db of this.#dbs) this.#replicator.start(db);
		} else {
			await this.#close();
			this.#open(session);
		}
		// Ask the browser not to evict this device's records under storage pressure.
		await navigator.storage?.persist?.().catch(() => false);
	}

	#open(session: StoredSession): void {
		this.session = session;
		this.ready = false;
		this.#opening = true;
		this.#registryRead = false;
		this.checking = true;
		this.lastSyncAt = localStorage.getItem(userKey(session.name, 'last-sync'));
		const synced = localStorage.getItem(userKey(session.name, 'first-synced'));
		this.firstSynced = readList(synced);
		// A device that synced before first syncs were recorded has had them all.
		this.#syncedBefore = synced === null && this.lastSyncAt !== null;
		const rm = (this.#rm = openReadModel(session.name));
		// Opened now, not by the first query: the browser opens the database while the layout
		// draws, instead of after it (about 0.2 s of a phone's cold start, issue 17). A failure
		// shows on the screens, through their queries.
		rm.open().catch(() => undefined);
		this.#peopleWatch = liveQuery(() => rm.trustDocs.get(PEOPLE_ID)).subscribe({
			next: (row) => {
				const list = row?.type === 'people' ? (row.doc as PeopleDirectory).people : [];
				this.people = Object.fromEntries(list.map((p) => [p.name, p.fullName]));
				this.visitorTitles = visitorTitles(list);
				// The schools the trust lists for this person changed (or the app started): an
				// administrator may have changed their account.
				const me = list.find((p) => p.name === session.name);
				this.myTitle = me?.title;
				const mine = JSON.stringify([me?.supports ?? null, me?.leads ?? null]);
				if (mine !== this.#schoolsSeen) {
					this.#schoolsSeen = mine;
					this.#rolesStale = true;
					void this.#checkRoles();
				}
			},
			error: () => undefined
		});
		// The screens draw from the read model already on the device (issue 17): PouchDB, the
		// schemas and the sync machinery load once the first screen is on show, not before it. A
		// save made in that moment waits for them (`ctx`).
		this.ready = true;
		afterFirstScreen(() => {
			if (this.#rm !== rm) return;
			void loadEngine().then(
				(engine) => {
					performance.mark('si:engine');
					// Signed out (or in as someone else) while the engine was loading.
					if (this.#rm !== rm) return;
					this.#start(engine, session, rm);
				},
				(err: unknown) => {
					if (this.#rm !== rm) return;
					// The screens still show what the device holds; saving says to reload.
					this.problem = {
						kind: 'failed',
						message: `The app could not load part of itself; reload the page: ${String(err)}`
					};
				}
			);
		});
	}

	#start(engine: Engine, session: StoredSession, rm: ReadModel): void {
		this.#engine = engine;
		// Notes of typing a killed browser left only in IndexedDB, back where the start's save and
		// the Sync page read them.
		this.#recovered = recoverNotes(session.name);
		const local = (db: string) => engine.localDb(session.name, db);
		this.#projector = new engine.Projector(rm, local, {
			onChange: (db) => this.#changed(db),
			onFailure: (db, err) => {
				this.#refused(err);
				engine.forgetBroken(session.name, db, err);
			},
			onBehind: () => {
				if (this.#rm === rm) this.listsBehind = this.#projector?.anyBehind ?? false;
			}
		});
		// A database opened again after its connection failed (storage full): its read model feed
		// starts again on the new connection, and what waits in it is sent.
		this.#stopReopening = engine.onForgotten((user, db) => {
			if (user !== session.name || this.#rm !== rm) return;
			this.#projector?.reopen(db);
			this.#changed(db);
		});
		this.#replicator = this.#newReplicator(engine, session.name);
		this.#tracker = new engine.PendingTracker(local, undefined, (db) =>
			localStorage.getItem(userKey(session.name, `verified:${db}`))
		);
		const user = { name: session.name, roles: session.roles };
		this.#choicesWatch = liveQuery(() =>
			Promise.all([rm.choices.toArray(), rm.conflicts.toArray()])
		).subscribe({
			next: ([choices, conflicts]) => {
				this.#choiceRows = choices;
				this.#sortChoices();
				this.conflicts = conflicts;
			},
			error: () => undefined
		});
		// Each database opens, catches up with changes made since it was last open, and starts to
		// sync, a frame after the engine loaded: the screens update as it does.
		afterFirstScreen(() => {
			if (this.#rm !== rm) return;
			const mine = dbsOf(user);
			// Schools taken away with changes not sent stay until removed (`takenAway`); the trust
			// refuses them again, which lists them on the Sync page. Given back meanwhile, they sync.
			const kept = readTakenAway(localStorage.getItem(userKey(session.name, 'taken-away')));
			this.takenAway = kept.filter((t) => !mine.includes(t.db));
			const dbs = [
				...mine,
				...this.takenAway.map((t) => t.db),
				...this.#toGovernors(session.name).filter((db) => !mine.includes(db))
			];
			performance.mark('si:open-dbs');
			this.#projector?.expect(dbs);
			void (async () => {
				for (const db of dbs) await this.#addDb(db);
				performance.mark('si:dbs-open');
				if (this.#rm !== rm) return;
				this.#opening = false;
				this.checking = this.#unchecked.size > 0;
				void this.#saveUnsaved(session.name);
				void this.#checkRoles();
				void this.#tidyConcerns();
			})().catch((err: unknown) => {
				this.problem = {
					kind: 'failed',
					message: `The records on this device could not be read: ${String(err)}`
				};
			});
			this.#followRoles(user, rm);
			this.#countPending();
			void this.checkStorage();
		});
	}

	/**
	 * What the person's roles ask of the device beyond their databases: the CEO and administrators
	 * work with every school in the trust's registry, and the CEO's dashboard is read ahead. Run at
	 * the start and whenever the roles change: a SIL made CEO starts on every school at once, and a
	 * CEO no longer one stops (the schools not theirs then leave, in `#checkRoles`).
	 */
	#followRoles(user: UserCtx, rm: ReadModel): void {
		if (!this.#watchesRegistry(user)) {
			this.#schoolsWatch?.unsubscribe();
			this.#schoolsWatch = null;
		} else if (!this.#schoolsWatch) {
			this.#schoolsWatch = liveQuery(() => rm.schools.toArray()).subscribe({
				next: (schools) => {
					for (const s of schools) void this.#addDb(schoolDbName(s.id));
				},
				error: () => undefined
			});
		}
		if (!hasRole(user, 'ceo')) {
			this.#stopReadAhead?.();
			this.#stopReadAhead = null;
		} else if (!this.#stopReadAhead) {
			this.#readDashboardAhead(rm);
		}
	}

	/**
	 * Changes an editor kept and never saved (its tab closed in the moment before the save) are
	 * saved now, whether or not their record is opened again (`saveUnsaved`). The saver and the
	 * schemas it needs load only when there is something to save. Online, a note waits for its
	 * database's first pass with the trust since the start (or `CATCH_UP_MS`, or `now`), so that it
	 * meets its record as the trust has it: a booklet shared or confirmed elsewhere meanwhile refuses
	 * it (shown) or takes it as an addendum, where saved onto the device's older copy it would clash.
	 */
	async #saveUnsaved(user: string, leaving = false, now = false): Promise<number> {
		await this.#recovered;
		if (unsavedKeys(user).length === 0) {
			// A grid's refused figures are its own to list and forget (`AttainmentGrid`).
			this.unsavedLeft = this.unsavedLeft.filter((n) => n.typed !== undefined);
			return 0;
		}
		const ctx = this.ctx;
		const rm = this.#rm;
		// What could not be saved stays kept, for its editor or the next start, and is shown.
		return import('$lib/state/save-unsaved').then(
			async ({ saveUnsaved }) => {
				// A note reaching a confirmed booklet becomes an addendum naming fields as the screens do.
				const describe = await this.#describe();
				// Signing out, nothing is left to settle: every note is saved now.
				const settle = leaving ? { settleMs: 0 } : {};
				const catchingUp =
					leaving || now || !this.online ? undefined : (db: string) => this.#unchecked.has(db);
				const done = await saveUnsaved(ctx, user, { ...settle, describe, catchingUp });
				if (this.#rm === rm) {
					// Typing an editor open now holds and cannot save (`listUnsaved`) stays listed: the
					// start leaves its note to the editor.
					const open = this.unsavedLeft.filter(
						(n) =>
							(isOpen(n.key) || n.typed !== undefined) && !done.left.some((l) => l.key === n.key)
					);
					this.unsavedLeft = [...done.left, ...open];
					this.#notesWaiting = done.waiting > 0;
				}
				// A pass that never finishes (the trust out of reach) does not hold typing back for long.
				if (done.waiting > 0 && !leaving)
					setTimeout(() => {
						if (this.#rm === rm && this.#notesWaiting) void this.#saveUnsaved(user, false, true);
					}, CATCH_UP_MS);
				// Notes written a moment ago (perhaps by another tab's editor) are looked at again.
				if (done.retryIn !== null && !leaving)
					setTimeout(() => {
						if (this.#rm === rm) void this.#saveUnsaved(user);
					}, done.retryIn + 100);
				return done.left.length;
			},
			() => unsavedKeys(user).length
		);
	}

	/** Notes left by `#saveUnsaved` until their databases catch up with the trust. */
	#notesWaiting = false;
	/** The start's recovery of notes from IndexedDB (`recoverNotes`), done before they are saved. */
	#recovered: Promise<unknown> = Promise.resolve();

	/**
	 * The governors' databases this device has copies for that the trust may not have yet. A sender
	 * (a SIL, a head, the CEO) does not hold the governors' databases: one opens when a copy is sent
	 * (`sendingToGovernors`) and is opened again at each start only while something in it waits to
	 * be sent, so a cold start pays for none of them otherwise (issue 17).
	 */
	#toGovernors(user: string): string[] {
		try {
			const list: unknown = JSON.parse(localStorage.getItem(userKey(user, 'to-governors')) ?? '[]');
			return Array.isArray(list)
				? list.filter((d): d is string => typeof d === 'string' && !!schoolIdFromGovernorsDb(d))
				: [];
		} catch {
			return [];
		}
	}

	#keepToGovernors(user: string, list: string[]): void {
		const key = userKey(user, 'to-governors');
		if (list.length === 0) localStorage.removeItem(key);
		else localStorage.setItem(key, JSON.stringify(list));
	}

	/**
	 * A copy for the chair of governors is about to be written into this school's governors'
	 * database: it is listed first (so a start after a crash still sends it), then opened and synced.
	 */
	sendingToGovernors(schoolId: string): void {
		const user = this.session?.name;
		if (!user) return;
		const db = governorsDbName(schoolId);
		const list = this.#toGovernors(user);
		if (!list.includes(db)) this.#keepToGovernors(user, [...list, db]);
		void this.#addDb(db);
	}

	/** A governors' database the trust has all of: no longer opened at the start. */
	async #sentToGovernors(user: string, db: string): Promise<void> {
		if (!this.#toGovernors(user).includes(db)) return;
		if ((await this.#unsentIn(user, db)) !== 0 || this.session?.name !== user) return;
		this.#keepToGovernors(
			user,
			this.#toGovernors(user).filter((d) => d !== db)
		);
	}

	/** A database's pass with the trust has finished: notes that waited for it are saved now. */
	#caughtUp(db: string, user: string): void {
		this.#unchecked.delete(db);
		this.checking = this.#opening || this.#unchecked.size > 0;
		if (this.#notesWaiting) void this.#saveUnsaved(user);
	}

	/**
	 * Typing an open editor holds and cannot save (`RecordForm.notSaved`): refused, or a part its
	 * saves leave out. Listed with the typing the start could not save, so that the status line, the
	 * record's state and the Sync page say it is not saved from this moment, not after a reload.
	 */
	listUnsaved(note: LeftNote): void {
		const listed = this.unsavedLeft.find((n) => n.key === note.key);
		if (listed?.reason === note.reason && listed.db === note.db && listed.id === note.id) return;
		this.unsavedLeft = [...this.unsavedLeft.filter((n) => n.key !== note.key), note];
	}

	/**
	 * Forget typing the start could not save: the person discarded it (the Sync page), or its
	 * editor, opened again, saved it.
	 */
	forgetUnsaved(key: string, discard = false): void {
		if (discard) keepNote(key, null);
		if (this.unsavedLeft.some((n) => n.key === key)) {
			this.unsavedLeft = this.unsavedLeft.filter((n) => n.key !== key);
		}
	}

	/** Fields and values in people's words, for an addendum of late changes; undefined before the engine. */
	async #describe(): Promise<Describe | undefined> {
		const engine = this.#engine;
		const names =
			engine && this.#rm ? await engine.loadNameContext(this.#rm).catch(() => null) : null;
		return engine && names
			? {
					label: (doc, path) => engine.fieldLabel(doc, path, names),
					value: (doc, path, v) => engine.valueText(doc, path, v, names)
				}
			: undefined;
	}

	/**
	 * The CEO's dashboard, read while the device is idle and again once a change to it has settled:
	 * opening it then draws at once instead of reading fifty schools first (issue 17).
	 */
	#readDashboardAhead(rm: ReadModel): void {
		void import('$lib/db/dashboard').then(
			({ DASHBOARD_TABLES, dashboardKeep, readDashboard }) => {
				// Signed out, asked twice, or no longer the CEO while it loaded.
				const user = this.user;
				if (this.#rm !== rm || this.#stopReadAhead || !user || !hasRole(user, 'ceo')) return;
				this.#stopReadAhead = readAhead(
					rm,
					DASHBOARD_TABLES,
					() => readDashboard(rm),
					dashboardKeep
				);
			},
			// The dashboard reads for itself when it opens, and says so if it cannot.
			() => undefined
		);
	}

	/** The CEO and administrators sync every school in the trust's registry. */
	#watchesRegistry(user: Parameters<typeof hasRole>[0]): boolean {
		return hasRole(user, 'ceo') || hasRole(user, 'admin');
	}

	/** Look at the device's storage; the layout warns when it is nearly full. */
	async checkStorage(): Promise<void> {
		this.storageLow = (await storageReport().catch(() => null))?.nearlyFull ?? false;
	}

	/**
	 * The person's roles as the server has them now, when the trust's list of people says their
	 * schools changed (and once a start has opened the databases): an administrator who assigns a
	 * SIL a school, or takes one away, changed only the account, and the device kept the roles of
	 * the sign-in. The session takes the new roles, so the screens list the schools the person has
	 * now, and a school's records start to sync as soon as it is theirs. A school taken away is no
	 * longer listed; its records stay on the device (and its changes not sent, which the trust now
	 * refuses) until the person signs out.
	 */
	async #checkRoles(): Promise<void> {
		const session = this.session;
		if (!session || !this.#rolesStale || this.#opening || !this.#engine || !navigator.onLine) {
			return;
		}
		this.#rolesStale = false;
		const now = await currentUser().catch(() => undefined);
		// Not reached: asked again once online. Null: the session ended, which sync says itself.
		if (now === undefined) this.#rolesStale = true;
		if (!now || now.name !== session.name || this.session?.signedInAt !== session.signedInAt) {
			return;
		}
		const had = new Set(session.roles);
		if (now.roles.length === had.size && now.roles.every((r) => had.has(r))) return;
		const next: StoredSession = { ...$state.snapshot(session), roles: [...now.roles] };
		storeSession(next);
		this.session = next;
		this.#sortChoices();
		const back = new Set([...dbsOf(now), ...this.#toGovernors(next.name)]);
		// A school given back that was kept for what it had not sent: sent now.
		for (const t of this.takenAway) if (back.has(t.db)) this.#replicator?.start(t.db);
		this.#keepTakenAway(
			next.name,
			this.takenAway.filter((t) => !back.has(t.db))
		);
		for (const db of back) void this.#addDb(db);
		if (this.#rm) this.#followRoles(now, this.#rm);
		// A school taken away leaves now, not at its next pass, which the server would refuse.
		if (this.#watchesRegistry(now)) return;
		for (const db of this.#dbs) {
			if (!back.has(db) && !this.takenAway.some((t) => t.db === db)) void this.#takenAway(db);
		}
		void this.#tidyConcerns();
	}

	/**
	 * A SIL's copy of the concerns raised to the CEO holds only their schools' concerns: the trust's
	 * server sends no other. A copy that holds another school's (a school taken away since, or
	 * concerns synced before the server filtered them) is made again from the trust, once nothing in
	 * it waits to be sent. PouchDB cannot forget a document without deleting it everywhere, so the
	 * copy is destroyed and synced afresh: a few documents. Once per set of roles: on Apache CouchDB,
	 * which sends every concern, it would otherwise be made again at every start.
	 */
	#tidyConcerns(): Promise<void> {
		// Asked again while it runs (the roles read meanwhile): it runs once more after.
		if (this.#tidying) {
			this.#tidyAgain = true;
			return this.#tidying;
		}
		this.#tidying = this.#tidyConcernsNow()
			.catch(() => undefined)
			.finally(() => {
				this.#tidying = null;
				if (this.#tidyAgain) {
					this.#tidyAgain = false;
					void this.#tidyConcerns();
				}
			});
		return this.#tidying;
	}

	#tidying: Promise<void> | null = null;
	#tidyAgain = false;

	async #tidyConcernsNow(): Promise<void> {
		const user = this.user;
		const engine = this.#engine;
		if (!user?.name || !engine || !this.#dbs.has(CONCERNS_DB) || this.#watchesRegistry(user)) {
			return;
		}
		const name = user.name;
		const key = userKey(name, 'concerns-tidied');
		const roles = JSON.stringify([...user.roles].sort());
		if (localStorage.getItem(key) === roles) return;
		const mine = new Set(assignedSchools(user));
		const { rows } = await engine
			.localDb(name, CONCERNS_DB)
			.allDocs({ include_docs: true })
			.catch(() => ({ rows: [] }));
		const others = rows.some((r) => {
			const school = (r.doc as { schoolId?: unknown } | undefined)?.schoolId;
			return typeof school === 'string' && !mine.has(school);
		});
		if (others) {
			if (!this.#dbs.has(CONCERNS_DB) || (await this.#unsentIn(name, CONCERNS_DB)) !== 0) return;
			await this.#removeDb(name, CONCERNS_DB);
			if (this.session?.name !== name) return;
			await this.#addDb(CONCERNS_DB);
		}
		if (this.session?.name === name) localStorage.setItem(key, roles);
	}

	/** Every record holding choices, as the read model lists them. */
	#choiceRows: ChoiceRow[] = [];

	/** The records holding choices, split by who may make them, by the person's roles now. */
	#sortChoices(): void {
		const user = this.user;
		const engine = this.#engine;
		if (!user || !engine) return;
		this.choices = this.#choiceRows.filter((c) => engine.mayChoose(c.doc, c.db, user));
		this.othersChoices = this.#choiceRows.filter((c) => !engine.mayChoose(c.doc, c.db, user));
	}

	/**
	 * The server refused a database to this person (the replicator has stopped syncing it). Either
	 * the session has ended, as a 401 says, or an administrator took the school away: then the
	 * roles are read again (`#checkRoles`) and the school leaves the person's list. A database still
	 * theirs by the new roles is said to have failed.
	 */
	async #forbidden(db: string): Promise<void> {
		const session = this.session;
		if (!session) return;
		const now = await currentUser().catch(() => undefined);
		if (now === undefined) {
			this.#replicator?.start(db);
			return;
		}
		if (!now || now.name !== session.name) {
			this.problem = { kind: 'session-expired' };
			this.#replicator?.stop();
			return;
		}
		this.#rolesStale = true;
		await this.#checkRoles();
		if (this.#watchesRegistry(now) || dbsOf(now).includes(db)) {
			const school = schoolIdFromDbName(db);
			const row = school === null ? undefined : await this.#rm?.schools.get(school);
			const what = school === null ? 'the trust’s records' : (row?.name ?? 'one of your schools');
			this.problem = {
				kind: 'failed',
				message: `The trust’s server refused to sync ${what}. Ask an administrator to check your account.`
			};
			return;
		}
		await this.#takenAway(db);
	}

	/**
	 * A school an administrator took away from this person. With nothing of it waiting to be sent
	 * (changes, typing not saved), its records leave this device at once: staff data is personal
	 * data, and the device may be handed on. Otherwise they stay (`takenAway`), as the start keeps
	 * them, until the person removes them or the school is given back.
	 */
	async #takenAway(db: string): Promise<void> {
		const user = this.session?.name;
		if (!user) return;
		this.#replicator?.forget(db);
		this.#unchecked.delete(db);
		this.checking = this.#unchecked.size > 0;
		const unsent = await this.#unsentIn(user, db);
		if (this.session?.name !== user) return;
		if (unsent === 0) return this.#removeDb(user, db);
		this.#keepTakenAway(user, [...this.takenAway.filter((t) => t.db !== db), { db, unsent }]);
	}

	/**
	 * What this device holds of a database that the trust does not: changes and typing not saved.
	 * Null when the changes could not be counted (the local database failed to answer): nothing is
	 * removed on a guess.
	 */
	async #unsentIn(user: string, db: string): Promise<number | null> {
		const tracker = this.#tracker;
		if (!tracker) return null;
		const waiting = await tracker.waiting(db).catch(() => null);
		if (!waiting) return null;
		return waiting.length + unsavedKeys(user).filter((k) => k.startsWith(unsavedIn(db))).length;
	}

	#keepTakenAway(user: string, list: TakenAway[]): void {
		this.takenAway = list;
		const key = userKey(user, 'taken-away');
		if (list.length === 0) localStorage.removeItem(key);
		else localStorage.setItem(key, JSON.stringify(list));
	}

	/**
	 * Remove from this device a school taken away from this person, with what of it was not sent
	 * (the Sync page asks first). Nothing happens to a school that is still theirs.
	 */
	async removeTakenAway(db: string): Promise<void> {
		const user = this.session?.name;
		if (!user || !this.takenAway.some((t) => t.db === db)) return;
		for (const key of unsavedKeys(user)) {
			if (key.startsWith(unsavedIn(db))) {
				localStorage.removeItem(key);
				keepNote(key, null);
			}
		}
		await this.#removeDb(user, db);
	}

	/** Take a database off this device: its sync, its rows in the lists, and its local copy. */
	async #removeDb(user: string, db: string): Promise<void> {
		this.#replicator?.forget(db);
		this.#dbs.delete(db);
		this.#unchecked.delete(db);
		this.checking = this.#unchecked.size > 0;
		this.#keepTakenAway(
			user,
			this.takenAway.filter((t) => t.db !== db)
		);
		// The local copy goes even if the lists could not let go of its rows (IndexedDB refused):
		// those rows then stay on screen until the lists are rebuilt, and no record is kept.
		await this.#projector?.drop(db).catch((err: unknown) => {
			console.error(`The lists could not let go of ${db}`, err);
		});
		await this.#engine?.destroyLocalDbs(user, [db]);
		if (this.session?.name !== user) return;
		this.firstSynced = this.firstSynced.filter((d) => d !== db);
		localStorage.setItem(userKey(user, 'first-synced'), JSON.stringify(this.firstSynced));
		localStorage.removeItem(userKey(user, `verified:${db}`));
		await this.#recount();
	}

	async #addDb(db: string): Promise<void> {
		if (this.#dbs.has(db) || !this.session) return;
		this.#dbs.add(db);
		this.#unchecked.add(db);
		this.checking = true;
		const rm = this.#rm;
		// If the read model cannot take this database in (IndexedDB refused: storage full), the
		// projector tries again by itself. The database still syncs meanwhile: what was typed on
		// this device is in PouchDB and goes to the trust, and the databases after it still open.
		await this.#projector?.follow(db).catch((err: unknown) => {
			console.error(`The read model could not take in ${db}; trying again`, err);
		});
		// The steps that follow each run in a task of their own: with the follow's end they were one
		// task of 45-75 ms of a phone's main thread (4x throttling), just after its first screen,
		// the replicator's start the largest part (issue 17).
		await nextTask();
		if (this.#rm !== rm) return;
		this.#resolveConflicts(db);
		// Count as soon as the database is known: the first count may have run before it was.
		this.#countPending();
		await nextTask();
		if (this.#rm !== rm) return;
		if (this.problem?.kind !== 'session-expired') this.#replicator?.start(db);
	}

	/**
	 * A change in one of the device's databases, from the read model's live feed of it (see
	 * `Projector`): it is counted, and sent shortly.
	 */
	#changed(db: string): void {
		// A change while no pass runs for this database is this device's own (a pass writes what it
		// pulls): it waits to be sent from this moment, before the count (debounced) has caught up
		// with it.
		if (!this.#busy.has(db)) {
			this.#writesBegun++;
			this.justChanged = true;
		}
		this.#countPending();
		this.#replicator?.changed(db);
	}

	/** A failure that is the device out of space shows the warning (see `storageFull`). */
	#refused(err: unknown): void {
		if (storageFailure(err) === 'full') this.storageFull = true;
	}

	#newReplicator(engine: Engine, user: string): Replicator {
		return new engine.Replicator(user, (e) => this.#onSync(e));
	}

	#onSync(e: SyncEvent): void {
		const user = this.session?.name;
		if (!user) return;
		switch (e.kind) {
			case 'active':
				this.#busy.add(e.db);
				this.syncing = true;
				break;
			case 'idle':
			case 'current':
				if (
					e.db === TRUST_DB &&
					!this.#registryRead &&
					this.session &&
					this.#watchesRegistry(this.session)
				) {
					// The trust's pass may have brought schools the device has never synced: the trust is
					// checked once they are added and so wait for their own passes. Until then "All
					// changes sent" would be said with every school still to check.
					this.#registryRead = true;
					const rm = this.#rm;
					void this.settled()
						.then(() => rm?.schools.toArray() ?? [])
						.then((schools) => {
							if (this.#rm !== rm) return;
							for (const s of schools) void this.#addDb(schoolDbName(s.id));
						})
						.catch(() => undefined)
						.then(() => {
							if (this.#rm === rm) this.#caughtUp(e.db, user);
						});
				} else this.#caughtUp(e.db, user);
				this.#busy.delete(e.db);
				this.syncing = this.#busy.size > 0;
				if (this.problem?.kind !== 'session-expired') this.problem = null;
				this.lastSyncAt = new Date().toISOString();
				localStorage.setItem(userKey(user, 'last-sync'), this.lastSyncAt);
				if (!this.firstSynced.includes(e.db)) this.#markFirstSynced(user, e.db);
				// In step without a pass: nothing was sent or fetched, so there is nothing to verify.
				if (e.kind === 'current') {
					void this.#sentToGovernors(user, e.db);
					break;
				}
				void this.#tracker
					?.verify(e.db, this.#engine!.remoteDb(e.db))
					.catch(() => 0)
					.then(() => this.#countPending())
					.then(() => this.#sentToGovernors(user, e.db))
					.then(() => this.#compact(e.db));
				break;
			case 'pushed':
				void this.#tracker
					?.acknowledge(e.db, e.docs, 'sent')
					.catch(() => undefined)
					.then(() => this.#countPending());
				// A document that went through after all is no longer refused.
				this.refusals = this.refusals.filter(
					(r) => !(r.db === e.db && e.docs.some((d) => d._id === r.docId))
				);
				break;
			case 'pulled':
				// What was pulled is stored: there is room on the device again.
				this.storageFull = false;
				void this.#tracker
					?.acknowledge(e.db, e.docs, 'received')
					.catch(() => undefined)
					.then(() => this.#countPending());
				this.#resolveConflicts(
					e.db,
					e.docs.map((d) => d._id)
				);
				void this.checkStorage();
				break;
			case 'denied':
				this.refusals = [
					...this.refusals.filter((r) => !(r.db === e.db && r.docId === e.docId)),
					{ db: e.db, docId: e.docId, reason: e.reason, at: new Date().toISOString() }
				];
				break;
			case 'unreachable':
				this.#busy.delete(e.db);
				this.syncing = this.#busy.size > 0;
				this.#countPending();
				if (this.problem?.kind !== 'session-expired') {
					this.problem = { kind: 'unreachable', message: e.message };
				}
				break;
			case 'forbidden':
				this.#busy.delete(e.db);
				this.syncing = this.#busy.size > 0;
				void this.#forbidden(e.db);
				break;
			case 'polling':
				// On Apache CouchDB no list of people says an administrator changed this account (no
				// server keeps it): the roles are read again at each poll, one request, so that a school
				// given shows within a poll, not at the next start.
				this.#rolesStale = true;
				void this.#checkRoles();
				break;
			case 'unauthorised':
				this.#busy.clear();
				this.syncing = false;
				this.problem = { kind: 'session-expired' };
				this.#replicator?.stop();
				break;
			case 'failed':
				this.#busy.delete(e.db);
				this.syncing = this.#busy.size > 0;
				this.#countPending();
				this.problem = { kind: 'failed', message: e.message };
				if (e.storage === 'full') this.storageFull = true;
				break;
		}
	}

	/**
	 * What this device knows of one record's way to the trust, for `recordStanding` and `sending`:
	 * read inside `$derived`, it follows the counts as they change.
	 */
	recordFacts(db: string, id: string): RecordFacts {
		const key = `${db}/${id}`;
		return {
			choices: this.choices.find((c) => c.key === key)?.count ?? 0,
			othersChoice: this.othersChoices.some((c) => c.key === key),
			notSaved: this.unsavedLeft.find((n) => n.db === db && n.id === id)?.reason ?? null,
			waiting: this.waiting.some((w) => w.db === db && w.id === id),
			justChanged: this.justChanged,
			reachable: this.reachable,
			sentAt: this.sentAt[key] ?? null
		};
	}

	/** Whether a database's first sync with the trust has finished on this device. */
	hasSynced(db: string): boolean {
		return this.#syncedBefore || this.firstSynced.includes(db);
	}

	/** Recorded once what was pulled is in the read model, so the counts shown then are whole. */
	#markFirstSynced(user: string, db: string): void {
		void this.settled()
			.catch(() => undefined)
			.then(() => {
				if (this.session?.name !== user || this.firstSynced.includes(db)) return;
				this.firstSynced = [...this.firstSynced, db];
				localStorage.setItem(userKey(user, 'first-synced'), JSON.stringify(this.firstSynced));
			});
	}

	/** Send and fetch now (the Sync page's button): every database, at once. */
	syncNow(): void {
		this.problem = this.problem?.kind === 'session-expired' ? this.problem : null;
		this.#busy.clear();
		this.#replicator?.restart();
	}

	/**
	 * Merge the conflicts among documents just pulled, or (on opening) those the read model lists
	 * (src/lib/sync/resolve.ts). One pass at a time per database, in order. What this user may not
	 * write, or what needs a person, stays listed for the conflict screen.
	 */
	#resolveConflicts(db: string, ids?: string[]): void {
		const previous = this.#resolving.get(db) ?? Promise.resolve();
		const next = previous
			.then(() => this.#resolveNow(db, ids))
			.catch(() => undefined /* left listed; the next pull or opening tries again */);
		this.#resolving.set(db, next);
	}

	async #resolveNow(db: string, ids?: string[]): Promise<void> {
		const session = this.session;
		const engine = this.#engine;
		if (!session || !engine) return;
		const local = engine.localDb(session.name, db);
		let todo: string[];
		if (ids) todo = await engine.conflictedAmong(local, ids);
		else {
			await this.settled();
			todo = ((await this.#rm?.conflicts.where('db').equals(db).toArray()) ?? []).map(
				(r) => r.docId
			);
		}
		if (todo.length === 0) return;
		const user = { name: session.name, roles: session.roles };
		const remote = this.online ? engine.remoteDb(db) : null;
		// Late changes to a confirmed record become an addendum that names fields as the screens do.
		const describe = await this.#describe();
		await engine.resolveDocs({ user, db, local, remote, describe }, todo);
	}

	/**
	 * Compact a database at most daily (remembered on the device), once settled with the trust, and
	 * not in the app's first minute (src/lib/sync/compaction.ts).
	 */
	async #compact(db: string): Promise<void> {
		const user = this.session?.name;
		const engine = this.#engine;
		if (!user || !engine) return;
		const wait = COMPACT_AFTER_START_MS - performance.now();
		if (wait > 0) {
			if (!this.#compactLater.has(db)) {
				this.#compactLater.add(db);
				setTimeout(() => {
					this.#compactLater.delete(db);
					// Not for someone else who signed in on this device meanwhile.
					if (this.session?.name === user) void this.#compact(db);
				}, wait);
			}
			return;
		}
		if (this.#compaction?.user !== user) {
			this.#compaction = new CompactionClock(globalThis.localStorage ?? null, user);
		}
		if (!this.#compaction.due(db)) return;
		const waiting = (await this.#tracker?.waiting(db).catch(() => null))?.length ?? 1;
		const conflicted = (await this.#rm?.conflicts.where('db').equals(db).count()) ?? 1;
		if (
			await engine
				.compactIfSettled(engine.localDb(user, db), waiting, conflicted)
				.catch(() => false)
		) {
			this.#compaction.done(db);
		}
	}

	/** Which local records have not yet reached the trust, across all databases. */
	#countPending(): void {
		clearTimeout(this.#pendingTimer);
		this.#pendingTimer = setTimeout(() => {
			// What a pass pulls is in the local database a moment before the pass reports it (after
			// its checkpoint reaches the server), and would be counted as waiting to be sent: right
			// after sign-in the app said "Sending · 14 changes waiting" with nothing of its own. So
			// the count waits for the passes to finish, for a few seconds at most.
			this.#countAskedAt ??= Date.now();
			if (this.#busy.size > 0 && Date.now() - this.#countAskedAt < 5000) {
				this.#countPending();
				return;
			}
			this.#countAskedAt = null;
			void this.#recount();
		}, 150);
	}

	async #recount(): Promise<void> {
		const user = this.session?.name;
		if (!user) return;
		const tracker = this.#tracker;
		if (!tracker) return;
		const begun = this.#writesBegun;
		const waiting: WaitingRecord[] = [];
		const sent: Record<string, string> = {};
		for (const db of [...this.#dbs]) {
			const [docs, times] = await Promise.all([tracker.waiting(db), tracker.sentTimes(db)]);
			for (const d of docs) waiting.push({ db, ...d });
			for (const [id, at] of Object.entries(times)) sent[`${db}/${id}`] = at;
		}
		if (this.session?.name === user && this.#tracker === tracker) {
			this.waiting = waiting;
			this.sentAt = sent;
			// A write begun while this count was read may be missing from it: it is said to be
			// waiting until the count its own save asks for (`after`) has it.
			if (this.#writesBegun === begun) this.justChanged = false;
		}
	}

	/** Wait until the read model reflects every local write made so far. */
	settled(): Promise<void> {
		return this.#projector?.settled() ?? Promise.resolve();
	}

	/** Rebuild the read model from the local databases (settings screen). */
	async rebuildReadModel(): Promise<void> {
		await this.#projector?.rebuild([...this.#dbs]);
	}

	/**
	 * Sign out of this device: send what is waiting, then remove every local database. If something
	 * could not be sent, nothing is removed unless `discard` is true; the count is returned, with
	 * how many of those are typing that could not be saved into its record (`unsavedLeft`) and how
	 * many are drafts of forms typed in and never sent (`KeptDraft`, `KeptCells`: however recent,
	 * since signing out would wipe them).
	 */
	async signOut(discard = false): Promise<{ unsent: number; unsaved: number; drafts: number }> {
		const session = this.session;
		if (!session) return { unsent: 0, unsaved: 0, drafts: 0 };
		const engine = await loadEngine();
		const { PouchDB, localDb, remoteDb } = engine;
		if (!discard) {
			// Changes an editor kept and never saved go with the rest, or keep the person signed in.
			const unsaved = await this.#saveUnsaved(session.name, true);
			if (navigator.onLine && this.problem?.kind !== 'session-expired') {
				for (const db of this.#dbs) {
					const remote = remoteDb(db);
					await PouchDB.replicate(localDb(session.name, db), remote, { batch_size: 100 })
						.then(() => this.#tracker?.verify(db, remote))
						.catch(() => undefined);
				}
			}
			await this.#recount();
			const drafts = keptDraftsTyped(session.name);
			if (this.pending > 0 || this.refusals.length > 0 || unsaved > 0 || drafts > 0) {
				const unsent = this.pending + this.refusals.length + unsaved + drafts;
				return { unsent, unsaved, drafts };
			}
		}
		const dbs = [...this.#dbs];
		await this.#close();
		// With any the session no longer lists (a school taken away, kept for what was not sent).
		const stored = await engine.storedLocalDbs(session.name);
		await engine.destroyLocalDbs(session.name, [...new Set([...dbs, ...stored])]);
		await Dexie.delete(readModelName(session.name));
		for (const k of Object.keys(localStorage)) {
			if (k.startsWith('si:') && k.endsWith(`:${session.name}`)) localStorage.removeItem(k);
		}
		await forgetNotes(session.name);
		storeSession(null);
		await signOutRemote();
		this.session = null;
		return { unsent: 0, unsaved: 0, drafts: 0 };
	}

	async #close(): Promise<void> {
		this.#schoolsWatch?.unsubscribe();
		this.#schoolsWatch = null;
		this.#choicesWatch?.unsubscribe();
		this.#choicesWatch = null;
		this.#stopReopening?.();
		this.#stopReopening = null;
		this.storageFull = false;
		this.listsBehind = false;
		this.#peopleWatch?.unsubscribe();
		this.#peopleWatch = null;
		this.#schoolsSeen = null;
		this.#rolesStale = false;
		this.people = {};
		this.visitorTitles = {};
		this.myTitle = undefined;
		this.#choiceRows = [];
		this.choices = [];
		this.othersChoices = [];
		this.conflicts = [];
		this.#stopReadAhead?.();
		this.#stopReadAhead = null;
		this.#replicator?.stop();
		this.#projector?.stop();
		if (this.#rm) forgetKept(this.#rm.name);
		this.#rm?.close();
		this.#rm = null;
		this.#dbs.clear();
		this.#busy.clear();
		this.#unchecked.clear();
		this.#opening = false;
		this.syncing = false;
		this.checking = false;
		this.firstSynced = [];
		this.#tracker = null;
		this.waiting = [];
		this.justChanged = false;
		this.sentAt = {};
		this.problem = null;
		this.refusals = [];
		this.takenAway = [];
		this.unsavedLeft = [];
		this.#projector = null;
		this.#replicator = null;
		// Nothing was opened if the engine never loaded.
		await this.#engine?.closeLocalDbs();
	}
}

/** How many drafts of forms sent by hand `user` has typed in and not sent, on this device. */
function keptDraftsTyped(user: string): number {
	try {
		return readKeptDrafts(localStorage, user).filter(hasSomething).length;
	} catch {
		// No storage: nothing was kept.
		return 0;
	}
}

export const workspace = new Workspace();
