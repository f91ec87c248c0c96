/** What is known on this device of one record's way to the trust (see `workspace.standing`). */
export interface RecordFacts {
	/** Fields of the record waiting for this person's choice, and whether someone else chooses. */
	choices: number;
	othersChoice: boolean;
	/** Why typing on this device is not in the record (refused, or a part left out), if it is not. */
	notSaved: string | null;
	/** The record has a change the trust has not acknowledged. */
	waiting: boolean;
	/** A change was written on this device a moment ago and the waiting count has not caught up. */
	justChanged: boolean;
	reachable: boolean;
	/** When this device last knew the trust had the record. */
	sentAt: string | null;
}

/** How far the record's last change on this device has gone towards the trust. */
export type Sending =
	{ kind: 'waiting' } | { kind: 'offline' } | { kind: 'sent'; at: string } | { kind: 'up-to-date' };

export type RecordStanding =
	{ kind: 'choice' } | { kind: 'others-choice' } | { kind: 'not-saved'; reason: string } | Sending;

/**
 * Whether the trust has the record as it stands on this device. A change written a moment ago
 * counts as waiting until the count has it, as the status line says "Sending" then: the record is
 * never said to be at the trust between a save and the count of what waits.
 */
export function sending(f: RecordFacts): Sending {
	if (f.waiting || f.justChanged) return { kind: f.reachable ? 'waiting' : 'offline' };
	if (f.sentAt) return { kind: 'sent', at: f.sentAt };
	return { kind: 'up-to-date' };
}

/** Where one record stands with the trust: what needs someone first, then how far it has gone. */
export function recordStanding(f: RecordFacts): RecordStanding {
	if (f.choices > 0) return { kind: 'choice' };
	if (f.othersChoice) return { kind: 'others-choice' };
	if (f.notSaved !== null) return { kind: 'not-saved', reason: f.notSaved };
	return sending(f);
}
