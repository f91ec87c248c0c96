import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The server's identity: `uuid` keeps PouchDB checkpoints valid, `secret` signs sessions. */
export interface Identity {
	uuid: string;
	secret: string;
}

export const identityFile = (dataDir: string) => path.join(dataDir, 'server.json');
/** A copy in its own folder, for the administrator to restore if `server.json` is damaged. */
export const identityCopy = (dataDir: string) => path.join(dataDir, 'identity', 'server.json');

function parse(text: string): Identity {
	const s = JSON.parse(text) as Partial<Identity>;
	if (typeof s?.uuid !== 'string' || !/^[0-9a-f]{32}$/.test(s.uuid)) {
		throw new Error('its "uuid" is missing or not 32 hexadecimal digits');
	}
	if (typeof s.secret !== 'string' || !/^[0-9a-f]{64}$/.test(s.secret)) {
		throw new Error('its "secret" is missing or not 64 hexadecimal digits');
	}
	return { uuid: s.uuid, secret: s.secret };
}

/** The identity in `file`, null if there is no such file, or the reason it cannot be used. */
function read(file: string): Identity | null | Error {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
		return err as Error;
	}
	try {
		return parse(text);
	} catch (err) {
		return err instanceof SyntaxError
			? new Error(`it is not valid JSON (${err.message})`)
			: (err as Error);
	}
}

/** Written beside, flushed and renamed: a crash leaves the old file or the new one, never half. */
function writeAtomic(file: string, identity: Identity): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const tmp = file + '.tmp';
	const fd = fs.openSync(tmp, 'w', 0o600);
	fs.writeSync(fd, JSON.stringify(identity));
	fs.fsyncSync(fd);
	fs.closeSync(fd);
	fs.renameSync(tmp, file);
}

/**
 * Reads the identity, or creates one for a new data folder. A damaged or missing `server.json` is
 * never silently replaced: a new uuid makes every device replicate every database from zero, and a
 * new secret signs everyone out. The error names the copy to restore and the command to do it.
 */
export function loadIdentity(dataDir: string): Identity {
	const file = identityFile(dataDir);
	const copyFile = identityCopy(dataDir);
	const main = read(file);
	const copy = read(copyFile);
	if (main && !(main instanceof Error)) {
		if (!copy || copy instanceof Error || copy.uuid !== main.uuid || copy.secret !== main.secret) {
			writeAtomic(copyFile, main);
		}
		return main;
	}
	if (main === null && copy === null) {
		const fresh = {
			uuid: crypto.randomUUID().replaceAll('-', ''),
			secret: crypto.randomBytes(32).toString('hex')
		};
		writeAtomic(file, fresh);
		writeAtomic(copyFile, fresh);
		return fresh;
	}
	throw new Error(problem(file, copyFile, main, copy));
}

/** Why the identity cannot be loaded, or null if it can (for `admin -- check`, which changes nothing). */
export function identityProblem(dataDir: string): string | null {
	const main = read(identityFile(dataDir));
	if (main && !(main instanceof Error)) return null;
	const copy = read(identityCopy(dataDir));
	if (main === null && copy === null) return null; // a new data folder: the server creates both
	return problem(identityFile(dataDir), identityCopy(dataDir), main, copy);
}

function problem(
	file: string,
	copyFile: string,
	main: Identity | null | Error,
	copy: Identity | null | Error
): string {
	const what =
		main === null ? `${file} is missing` : `${file} cannot be used: ${(main as Error).message}`;
	const why =
		"It holds this server's identity; a new one would make every device replicate every database again from the start, and sign everyone out.";
	const fix =
		copy && !(copy instanceof Error)
			? `A copy of it is at ${copyFile}. To restore it: cp '${copyFile}' '${file}' and start again.`
			: `Its copy at ${copyFile} cannot be used either${copy instanceof Error ? ` (${copy.message})` : ' (missing)'}. Restore server.json from a backup of the data folder; or, to accept a new identity, delete both files and start again.`;
	return `${what}. ${why} ${fix}`;
}
