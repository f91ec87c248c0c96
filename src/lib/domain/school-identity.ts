import type { School } from './school.ts';

/** What identifies a school to people: the fields the administrator types when adding it. */
export interface SchoolDetails {
	name: string;
	/** Empty when not known. */
	urn: string;
	phase: School['phase'];
	/** Empty when not given. */
	headteacher: string;
}

type Known = Pick<School, 'id' | 'name' | 'urn' | 'closed'>;

/**
 * A name as people tell schools apart: "St Mary's C of E Primary" and "st marys c-of-e primary" are
 * the same school to a reader, so case, spacing, punctuation and accents are left out.
 */
export function nameKey(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLocaleLowerCase('en-GB')
		.replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Why these details would make a second entry for a school the trust already has, in words naming
 * that school; null when they do not. A closed school counts too: its records are kept under its
 * name and URN. `self` is the id of the school being changed, which is not compared with itself.
 */
export function schoolClash(
	details: Pick<SchoolDetails, 'name' | 'urn'>,
	schools: readonly Known[],
	self?: string
): string | null {
	const others = schools.filter((s) => s.id !== self);
	const key = nameKey(details.name);
	const sameName = key ? others.find((s) => nameKey(s.name) === key) : undefined;
	if (sameName) {
		return sameName.closed
			? `${sameName.name} is already in the trust. It has closed, and its records are kept under that name: give this school a name that tells them apart.`
			: `${sameName.name} is already in the trust.`;
	}
	const urn = details.urn.trim();
	const sameUrn = urn ? others.find((s) => s.urn === urn) : undefined;
	if (sameUrn) {
		return sameUrn.closed
			? `URN ${urn} is ${sameUrn.name}’s, which has closed. Check the URN: each school has its own.`
			: `URN ${urn} is ${sameUrn.name}’s. Check the URN: each school has its own.`;
	}
	return null;
}

const ID_LENGTH = 48;

/** A short id for a school's records from its name: "St Mary's CE Primary" → "st-marys-ce-primary". */
export function schoolIdFrom(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/['’]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, ID_LENGTH)
		.replace(/-+$/g, '');
}

/**
 * The id a new school's records are kept under: made from its name, and numbered when another
 * school's id is the same (two different names can shorten alike). Nobody sees it but the server.
 */
export function freeSchoolId(name: string, taken: readonly string[]): string {
	const base = schoolIdFrom(name) || 'school';
	const used = new Set(taken);
	if (!used.has(base)) return base;
	for (let n = 2; ; n++) {
		const suffix = `-${n}`;
		const id = `${base.slice(0, ID_LENGTH - suffix.length).replace(/-+$/g, '')}${suffix}`;
		if (!used.has(id)) return id;
	}
}
