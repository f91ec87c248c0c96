import { PEOPLE_ID } from '../../src/lib/domain/index.ts';
import type { Auth } from './auth.ts';
import type { Doc } from './storage.ts';
import type { TrustCache } from './trust-cache.ts';

/**
 * Where records carry a person's full name beside their user name: `visitorName` beside
 * `visitor`, and so on; stamps (shared, confirmed, replies, addenda, edits, a conflict's options)
 * carry `name` beside `by`.
 */
const PAIRS: [name: string, person: string][] = [
	['visitorName', 'visitor'],
	['createdByName', 'createdBy'],
	['byName', 'by'],
	['updatedByName', 'updatedBy'],
	['name', 'by']
];

/**
 * Every (person, full name) pair written anywhere in a document, as JSON `[person, name]`. Walked
 * with a stack of its own: a document may nest deeper than the call stack goes.
 */
function namedPeople(doc: unknown): Set<string> {
	const out = new Set<string>();
	const todo: unknown[] = [doc];
	while (todo.length) {
		const value = todo.pop();
		if (typeof value !== 'object' || value === null) continue;
		if (Array.isArray(value)) {
			for (const item of value) if (typeof item === 'object' && item !== null) todo.push(item);
			continue;
		}
		const o = value as Record<string, unknown>;
		for (const [nameKey, personKey] of PAIRS) {
			const name = o[nameKey];
			const person = o[personKey];
			if (typeof name === 'string' && typeof person === 'string')
				out.add(JSON.stringify([person, name]));
		}
		for (const [key, item] of Object.entries(o)) {
			if (
				typeof item === 'object' &&
				item !== null &&
				key !== '_attachments' &&
				key !== '_revisions'
			)
				todo.push(item);
		}
	}
	return out;
}

/**
 * Full names a client writes on records are checked against the trust's list of people: each
 * name this write adds must be the name the list gives the person it stands beside (for the
 * writer's own stamps, the writer; a conflict's options keep each author's). Pairs the current
 * revision already holds are not judged again, so records written before a person was renamed
 * stay editable. A name the person had before is accepted too (a device offline through a rename
 * still writes it); a person the list does not name may write their account's full name or their
 * user name.
 *
 * Null when every name is right, else the reason for refusing the document.
 */
export async function checkNames(
	doc: Doc,
	old: Doc | null,
	trust: TrustCache,
	auth: Auth
): Promise<string | null> {
	const written = namedPeople(doc);
	if (written.size === 0) return null;
	const before = old ? namedPeople(old) : new Set<string>();
	for (const pair of written) {
		if (before.has(pair)) continue;
		const [person, name] = JSON.parse(pair) as [string, string];
		if (name.trim() === person) continue;
		const known = await knownNames(person, trust, auth);
		if (known.includes(name.trim())) continue;
		const expected = known[0];
		return expected === undefined
			? `The trust's list of people has no name for ${person}, so "${name}" cannot be written for them.`
			: `"${name}" is not the name the trust has for ${person} ("${expected}"): a record carries each person's own name.`;
	}
	return null;
}

/**
 * The names a person may be written with: their full name in the trust's list of people first,
 * then the names they had before (a device that has not heard of a rename still writes the old
 * one), and their account's full name. None if neither list nor account names them.
 */
async function knownNames(person: string, trust: TrustCache, auth: Auth): Promise<string[]> {
	const list = (await trust.get(PEOPLE_ID)) as { people?: unknown } | null;
	const people = Array.isArray(list?.people)
		? (list.people as { name?: unknown; fullName?: unknown; formerNames?: unknown }[])
		: [];
	const entry = people.find((p) => p.name === person);
	const names: string[] = [];
	if (typeof entry?.fullName === 'string') names.push(entry.fullName.trim());
	if (Array.isArray(entry?.formerNames)) {
		for (const n of entry.formerNames) if (typeof n === 'string') names.push(n.trim());
	}
	if (names.length === 0) {
		const account = await auth.userDoc(person);
		if (typeof account?.fullName === 'string' && account.fullName.trim()) {
			names.push(account.fullName.trim());
		}
	}
	return names;
}
