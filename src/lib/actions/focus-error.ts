/**
 * Brings an error message to the person: focus moves to it (so a screen reader reads it and the
 * keyboard carries on from there) and it is scrolled into view, as a refusal below the fold on a
 * phone was easy to miss (issue 16). Use on the element that shows the message, with the message as
 * the parameter so a new message is brought forward too. The element should also have role="alert".
 */
export function focusError(node: HTMLElement, message?: unknown) {
	const bring = () => {
		node.tabIndex = -1;
		node.focus({ preventScroll: true });
		node.scrollIntoView({ block: 'center' });
	};
	bring();
	let last = message;
	return {
		update(next?: unknown) {
			if (next !== last) bring();
			last = next;
		}
	};
}
