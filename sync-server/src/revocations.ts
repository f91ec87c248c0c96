import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './log.ts';

/** More revoked sessions than this and every session is ended instead (bounds the file). */
const MAX_ENTRIES = 100_000;

/**
 * Sessions ended by signing out, kept in `DATA_DIR/sessions-revoked.json` until they would have
 * expired anyway, so that a copied cookie stops working at sign-out and stays stopped across
 * restarts. (A password change ends every session of that person through the salt in the cookie's
 * signature.) Written atomically at each sign-out; sign-outs are rare.
 */
export class Revocations {
	private readonly file: string;
	/** Session id → Unix time (seconds) after which the session could not be used anyway. */
	private readonly revoked = new Map<string, number>();
	/** Sessions issued before this Unix time (seconds) are all ended. */
	private allBefore = 0;

	constructor(dataDir: string, log: Logger) {
		this.file = path.join(dataDir, 'sessions-revoked.json');
		let text: string | null = null;
		try {
			text = fs.readFileSync(this.file, 'utf8');
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
		}
		if (text === null) return;
		try {
			const saved = JSON.parse(text) as { allBefore: number; revoked: Record<string, number> };
			if (typeof saved.allBefore !== 'number' || typeof saved.revoked !== 'object') {
				throw new Error('unexpected shape');
			}
			this.allBefore = saved.allBefore;
			for (const [sid, until] of Object.entries(saved.revoked))
				this.revoked.set(sid, Number(until));
		} catch (err) {
			// Without the list no session can be trusted to be live: end them all (people sign in
			// again; nothing on their devices is lost).
			log.error('sessions-revoked.json cannot be read: every session is ended', {
				file: this.file,
				err
			});
			this.allBefore = Math.floor(Date.now() / 1000) + 1;
			this.save();
		}
	}

	isRevoked(sid: string, issued: number): boolean {
		return issued < this.allBefore || this.revoked.has(sid);
	}

	revoke(sid: string, until: number): void {
		const now = Date.now() / 1000;
		for (const [id, t] of this.revoked) if (t < now) this.revoked.delete(id);
		if (this.revoked.size >= MAX_ENTRIES) {
			this.revoked.clear();
			this.allBefore = Math.floor(now) + 1;
		} else this.revoked.set(sid, until);
		this.save();
	}

	private save(): void {
		const tmp = this.file + '.tmp';
		const fd = fs.openSync(tmp, 'w', 0o600);
		fs.writeSync(
			fd,
			JSON.stringify({ allBefore: this.allBefore, revoked: Object.fromEntries(this.revoked) })
		);
		fs.fsyncSync(fd);
		fs.closeSync(fd);
		fs.renameSync(tmp, this.file);
	}
}
