/**
 * Edits in progress register a flush here, so that anything about to leave the page (an app
 * update, signing out) first writes every edit to the device.
 */
const flushers = new Set<() => Promise<void>>();

export function registerFlush(flush: () => Promise<void>): () => void {
	flushers.add(flush);
	return () => flushers.delete(flush);
}

export async function flushAllEdits(): Promise<void> {
	await Promise.all([...flushers].map((f) => f()));
}
