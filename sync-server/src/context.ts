import type { Auth, Identity } from './auth.ts';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { Storage } from './storage.ts';
import type { Req } from './http.ts';

/** What lives for the whole process: shared by every handler. */
export interface App {
	cfg: Config;
	storage: Storage;
	auth: Auth;
	log: Logger;
	/** Stable server identity: PouchDB builds replication ids from it, so checkpoints survive restarts. */
	uuid: string;
	/** Open live `_changes` feeds, ended on shutdown. */
	feeds: Set<() => void>;
	version: string;
}

/** One API request with the person making it. */
export interface Call extends Req {
	app: App;
	who: Identity;
	log: Logger;
}
