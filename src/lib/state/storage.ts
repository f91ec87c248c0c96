/** How much of the device's storage this app uses, for the settings screen and quota warnings. */
export interface StorageReport {
	used: number;
	quota: number;
	persisted: boolean;
	/** True when less than 10% of the quota, or under 50 MB, is left. */
	nearlyFull: boolean;
}

export async function storageReport(): Promise<StorageReport | null> {
	if (!navigator.storage?.estimate) return null;
	const [estimate, persisted] = await Promise.all([
		navigator.storage.estimate(),
		navigator.storage.persisted?.() ?? Promise.resolve(false)
	]);
	const used = estimate.usage ?? 0;
	const quota = estimate.quota ?? 0;
	const left = quota - used;
	return { used, quota, persisted, nearlyFull: quota > 0 && (left < quota * 0.1 || left < 50e6) };
}

/** What the browser answered when asked to keep this app's records when space runs short. */
export type KeepAnswer = 'kept' | 'refused' | 'not-asked';

/**
 * Asks the browser to keep this app's records when the device runs short of space. It may refuse
 * (Chrome decides by how the site is used), or not be asked at all (no `persist`, or it throws).
 */
export async function askToKeep(): Promise<KeepAnswer> {
	try {
		if (!navigator.storage?.persist) return 'not-asked';
		return (await navigator.storage.persist()) ? 'kept' : 'refused';
	} catch {
		return 'not-asked';
	}
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} bytes`;
	const units = ['KB', 'MB', 'GB', 'TB'];
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value.toLocaleString('en-GB', { maximumFractionDigits: 1 })} ${units[unit]}`;
}
