import { plural, sentenceStart } from '$lib/format';

/** What the status line is told about this person's work and its way to the trust. */
export interface StatusFacts {
	signedOutByServer: boolean;
	online: boolean;
	unreachable: boolean;
	/** The sync stopped on an error other than the trust being out of reach. */
	failed: boolean;
	checking: boolean;
	syncing: boolean;
	/** Changes saved on the device and not yet sent, and whether one was made a moment ago. */
	pending: number;
	/** Of those, changes to schools taken away from this person, which the trust no longer takes. */
	stranded: number;
	justChanged: boolean;
	refusals: number;
	/** Records with choices for this person to make, and records being put together by themselves. */
	choosing: number;
	unsettled: number;
	/** Typing its record refused (`unsavedLeft`), and forms typed in and left unsent (`draftsLeft`). */
	unsaved: number;
	drafts: number;
	/** The person writes nothing (a chair of governors): nothing of theirs is ever sent. */
	readOnly: boolean;
}

export interface StatusLine {
	/** Said with the words and the colour, never by colour alone. */
	icon: '!' | '○' | '↻' | '✓';
	tone: 'red' | 'amber' | 'neutral' | 'green';
	text: string;
}

/**
 * One line that always says whether this person's work has reached the trust: the most serious
 * state first, then everything else still to do, so that a choice to make or typing not saved is
 * never hidden behind another state or behind green. Typing its record refused comes before forms
 * left unsent, which are not refused, only not sent.
 */
export function statusLine(f: StatusFacts): StatusLine {
	const choice =
		f.choosing > 0
			? `${plural(f.choosing, 'record')} ${f.choosing === 1 ? 'needs' : 'need'} your choice`
			: '';
	const notSaved = f.unsaved > 0 ? `typing in ${plural(f.unsaved, 'record')} not saved` : '';
	const notSent = f.drafts > 0 ? `typing in ${plural(f.drafts, 'form')} not sent` : '';
	const also = (...parts: string[]) =>
		parts
			.filter(Boolean)
			.map((p) => ` · ${p}`)
			.join('');
	const sendable = Math.max(0, f.pending - f.stranded);
	const waiting = sendable > 0 ? `${plural(sendable, 'change')} waiting` : '';
	const stranded =
		f.stranded > 0 ? `${plural(f.stranded, 'change')} for a school no longer yours` : '';
	const rest = also(waiting, stranded, choice, notSaved, notSent);

	if (f.signedOutByServer)
		return { icon: '!', tone: 'red', text: `Signed out by the server${rest}` };
	if (!f.online) return { icon: '○', tone: 'amber', text: `Offline${rest}` };
	if (f.unreachable) return { icon: '○', tone: 'amber', text: `Cannot reach the trust${rest}` };
	if (f.refusals > 0) {
		return {
			icon: '!',
			tone: 'red',
			text: `${plural(f.refusals, 'change')} refused by the trust${rest}`
		};
	}
	if (notSaved) {
		return {
			icon: '!',
			tone: 'red',
			text: sentenceStart(notSaved) + also(waiting, stranded, choice, notSent)
		};
	}
	if (stranded) {
		return {
			icon: '!',
			tone: 'red',
			text: sentenceStart(stranded) + also(waiting, choice, notSent)
		};
	}
	if (f.failed) return { icon: '!', tone: 'red', text: `Sync stopped${rest}` };
	if (f.checking) return { icon: '↻', tone: 'neutral', text: `Checking with the trust${rest}` };
	if (sendable > 0 || f.justChanged) return { icon: '↻', tone: 'neutral', text: `Sending${rest}` };
	// A pass with nothing of this device's to send only fetches: "Sending" would be untrue.
	if (f.syncing) {
		return { icon: '↻', tone: 'neutral', text: `Getting the latest from the trust${rest}` };
	}
	if (notSent) {
		return {
			icon: '!',
			tone: 'amber',
			text: sentenceStart(notSent) + also(choice) + ' · the rest is sent'
		};
	}
	if (choice) return { icon: '!', tone: 'amber', text: `${choice} · all changes sent` };
	if (f.unsettled > 0) {
		return {
			icon: '↻',
			tone: 'neutral',
			text: `${plural(f.unsettled, 'record')} changed on two devices, being put together`
		};
	}
	// "All changes sent" would speak of changes a reader never makes.
	return { icon: '✓', tone: 'green', text: f.readOnly ? 'Up to date' : 'All changes sent' };
}
