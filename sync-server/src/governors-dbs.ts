import { governorsDbName, schoolIdFromDbName } from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import type { Storage } from './storage.ts';

/**
 * Every school has a database of the copies sent to its chair of governors (`governorsDbName`),
 * made with the school's. A data folder from before those databases gets them at the start, so a
 * copy sent from a device is never refused for a database that is not there. Returns how many were
 * made.
 */
export async function ensureGovernorsDbs(storage: Storage): Promise<number> {
	let made = 0;
	for (const name of storage.list()) {
		const school = schoolIdFromDbName(name);
		if (school === null || storage.exists(governorsDbName(school))) continue;
		await storage.ensure(governorsDbName(school), defaultSecurity(governorsDbName(school)));
		made++;
	}
	return made;
}
