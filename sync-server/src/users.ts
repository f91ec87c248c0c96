import crypto from 'node:crypto';
import { promisify } from 'node:util';
import {
	isRole,
	isVisitorTitle,
	schoolRole,
	type UserCtx,
	type VisitorTitle
} from '../../src/lib/domain/index.ts';
import { CouchError, forbidden } from './http.ts';
import type { Doc } from './storage.ts';

const pbkdf2 = promisify(crypto.pbkdf2);

export const USERS_DB = '_users';
export const USER_PREFIX = 'org.couchdb.user:';
export const userDocId = (name: string) => USER_PREFIX + name;

/** User names: short, readable, and free of ':' (the session cookie's separator). */
export const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A person's account in `_users`, as CouchDB stores it. */
export interface UserDoc extends Doc {
	type: 'user';
	name: string;
	roles: string[];
	fullName?: string;
	/** A visitor's title (`VISITOR_TITLES`), set by an administrator; none: school improvement lead. */
	title?: VisitorTitle;
	password_scheme?: 'pbkdf2';
	pbkdf2_prf?: 'sha256';
	iterations?: number;
	salt?: string;
	derived_key?: string;
}

const HASH_FIELDS = [
	'password',
	'password_scheme',
	'pbkdf2_prf',
	'iterations',
	'salt',
	'derived_key',
	'password_sha'
] as const;

export async function hashPassword(
	password: string,
	iterations: number
): Promise<
	Pick<UserDoc, 'password_scheme' | 'pbkdf2_prf' | 'iterations' | 'salt' | 'derived_key'>
> {
	const salt = crypto.randomBytes(16).toString('hex');
	const key = await pbkdf2(password, salt, iterations, 32, 'sha256');
	return {
		password_scheme: 'pbkdf2',
		pbkdf2_prf: 'sha256',
		iterations,
		salt,
		derived_key: key.toString('hex')
	};
}

export async function verifyPassword(user: UserDoc, password: string): Promise<boolean> {
	if (user.password_scheme !== 'pbkdf2' || !user.salt || !user.derived_key || !user.iterations) {
		return false;
	}
	const prf = user.pbkdf2_prf === 'sha256' ? 'sha256' : 'sha1';
	const key = await pbkdf2(password, user.salt, user.iterations, user.derived_key.length / 2, prf);
	return safeEqual(key.toString('hex'), user.derived_key.toLowerCase());
}

const DUMMY_SALT = crypto.randomBytes(16).toString('hex');
const DUMMY_KEY = crypto.randomBytes(32).toString('hex');

/** The same work as checking a real password, for a name that has no account: always false. */
export async function dummyPasswordCheck(password: string, iterations: number): Promise<boolean> {
	const key = await pbkdf2(password, DUMMY_SALT, iterations, 32, 'sha256');
	return safeEqual(key.toString('hex'), DUMMY_KEY) && false;
}

/** Constant-time comparison of two strings of any length. */
export function safeEqual(a: string, b: string): boolean {
	const digest = (s: string) => new Uint8Array(crypto.createHash('sha256').update(s).digest());
	return crypto.timingSafeEqual(digest(a), digest(b)) && a === b;
}

/** A role we hand out: one of the domain's roles, an assigned school, or the school a head leads. */
export const isKnownRole = (r: string) =>
	isRole(r) || /^(school|head|governor):[a-z0-9-]+$/.test(r);

/**
 * What is wrong with an account's roles, or null: every role known, and a school led as its head
 * (`head:<id>`) held with the head role and assigned too, since leading a school grants nothing on
 * its own (see `headedSchools`).
 */
export function rolesProblem(roles: unknown): string | null {
	if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && isKnownRole(r))) {
		return 'doc.roles must be a list of roles: sil, head, ceo, admin, governor, school:<id>, head:<id> or governor:<id>.';
	}
	// Bounded, and checked through a set: a megabyte of roles sent by anyone to their own account
	// must not hold the server for a quadratic search.
	if (roles.length > MAX_ROLES) return `An account holds at most ${MAX_ROLES} roles.`;
	const held = new Set<string>(roles as string[]);
	// A chair of governors governs one school and reads nothing else of it (`governorRole`).
	const governs = [...held].filter((r) => r.startsWith('governor:'));
	if (held.has('governor') !== governs.length > 0 || governs.length > 1) {
		return 'A chair of governors holds the role governor and exactly one governor:<id>.';
	}
	for (const r of held) {
		if (!r.startsWith('head:')) continue;
		const school = schoolRole(r.slice('head:'.length));
		if (!held.has('head') || !held.has(school)) {
			return `The role ${r} needs the roles head and ${school} as well.`;
		}
	}
	return null;
}

/** Roles one account may hold: its four kinds, and a school role and a head role per school. */
const MAX_ROLES = 1000;

export function userCtxOf(user: UserDoc): UserCtx {
	return { name: user.name, roles: [...user.roles] };
}

/** The user document without anything about the password: what a person may see of themselves. */
export function publicUserDoc(user: Doc): Doc {
	const out: Doc = { ...user };
	for (const f of HASH_FIELDS) delete out[f];
	return out;
}

/**
 * The `_users` rules (CouchDB's `_users` design document, tightened): only admins create accounts
 * and set roles; a person may change their own password and full name. A plain `password` field is
 * replaced by its PBKDF2 hash before anything is stored.
 */
export async function prepareUserWrite(
	newDoc: Doc,
	oldDoc: UserDoc | null,
	user: UserCtx,
	admin: boolean,
	iterations: number
): Promise<Doc> {
	if (newDoc._id.startsWith('_design/')) {
		if (!admin) throw forbidden('Only a trust administrator may change design documents.');
		return newDoc;
	}
	if (!newDoc._id.startsWith(USER_PREFIX)) {
		throw forbidden(`User documents have ids of the form ${USER_PREFIX}NAME.`);
	}
	const name = newDoc._id.slice(USER_PREFIX.length);
	if (newDoc._deleted) {
		if (!admin) throw forbidden('Only a trust administrator may remove an account.');
		return newDoc;
	}
	if (!admin && (user.name !== name || !oldDoc)) {
		throw forbidden('Only a trust administrator may create or change other accounts.');
	}
	if (newDoc.type !== 'user') throw forbidden('doc.type must be user');
	if (newDoc.name !== name) throw forbidden('doc.name must match the document id');
	if (!USER_NAME.test(name)) {
		throw forbidden(
			'A user name is 1-64 lower-case letters, digits, dots, hyphens or underscores.'
		);
	}
	const roles = newDoc.roles as string[];
	const problem = rolesProblem(roles);
	if (problem) throw forbidden(problem);
	if (newDoc.fullName !== undefined && typeof newDoc.fullName !== 'string') {
		throw forbidden('doc.fullName must be text');
	}
	if (!admin && JSON.stringify([...roles].sort()) !== JSON.stringify([...oldDoc!.roles].sort())) {
		throw forbidden('Only a trust administrator may change roles.');
	}
	if (newDoc.title !== undefined && !isVisitorTitle(newDoc.title)) {
		throw forbidden(
			'doc.title must be teaching-and-learning-lead, lead-practitioner or school-improvement-adviser'
		);
	}
	// A title is what the trust calls a person, as their roles are: the administrator's to give.
	if (!admin && newDoc.title !== oldDoc!.title) {
		throw forbidden('Only a trust administrator may change a title.');
	}
	const out: Doc = { ...newDoc };
	if (typeof newDoc.password === 'string') {
		if (newDoc.password.length < 8) throw forbidden('A password needs at least 8 characters.');
		delete out.password;
		Object.assign(out, await hashPassword(newDoc.password, iterations));
	} else if (newDoc.password !== undefined) {
		throw new CouchError(400, 'bad_request', 'password must be a string');
	} else if (oldDoc && (!admin || newDoc.derived_key === undefined)) {
		// Saving a profile keeps the password: a person cannot set their own hash fields, and an
		// administrator's client that never saw them does not wipe them.
		for (const f of HASH_FIELDS) {
			if (oldDoc[f] !== undefined) out[f] = oldDoc[f];
			else delete out[f];
		}
	}
	return out;
}
