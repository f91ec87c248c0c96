import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import {
	CarterStage,
	SchoolCategory,
	governorsDbName,
	schoolDbName,
	schoolDocId,
	schoolRole,
	Strand,
	TRUST_DB,
	type School
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import { backup, restore } from './backup.ts';
import { loadConfig } from './config.ts';
import { installCouchDb } from './couchdb-install.ts';
import { unavailableDatabases } from './health.ts';
import { identityProblem } from './identity.ts';
import { createSchool, putUser, seedDemo } from './seed.ts';
import { Storage } from './storage.ts';
import { USERS_DB, userDocId, type UserDoc } from './users.ts';

const HELP = `Admin command line for the sync server. It works on DATA_DIR directly: stop the server
first (LevelDB allows one process per database; a running server makes these commands fail).

  node sync-server/src/cli.ts <command> [options]

  create-user <name> --roles sil,school:oakfield --full-name "Jo Bloggs" [--password P]
              roles: sil, head, ceo, admin, school:<id> (a school assigned), head:<id> (the
              school a head leads, with head and school:<id>; needed for a head who is also a SIL),
              governor with one governor:<id> (a chair of governors: reads the copies sent only)
  list-users
  reset-password <name> [--password P]
  assign-schools <name> <school-id>[,<school-id>...]     (replaces the person's schools)
  create-school <id> --name "Name" --category 1|2a|2b|3|4 [--strand preventative|corrective]
                [--carter-stage stabilise|repair|improve|sustain] [--urn 123456] [--head "Name"]
  delete-school <id> --confirm <id>   (a closed school only: its records and registry entry, for good)
  seed-demo [--password P]
  backup <db> <file>                                      (newline-delimited JSON)
  restore <file> <db>
  install-couchdb <url>            (admin credentials from COUCHDB_USER / COUCHDB_PASSWORD)
  check                            (the server identity and every database: exit code 1 if any fails)

Without --password a password is generated and printed once.
Environment: DATA_DIR (default ./data), PBKDF2_ITERATIONS.`;

const generated = () => crypto.randomBytes(12).toString('base64url');

async function main(argv: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			roles: { type: 'string' },
			'full-name': { type: 'string' },
			password: { type: 'string' },
			name: { type: 'string' },
			category: { type: 'string' },
			strand: { type: 'string' },
			'carter-stage': { type: 'string' },
			urn: { type: 'string' },
			head: { type: 'string' },
			confirm: { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	const [command, ...args] = positionals;
	if (!command || values.help) {
		console.log(HELP);
		return command ? 0 : 1;
	}
	const cfg = loadConfig(process.env);
	if (command === 'install-couchdb') {
		const url = need(args[0], 'the CouchDB URL');
		const user = process.env.COUCHDB_USER;
		const password = process.env.COUCHDB_PASSWORD;
		if (!user || !password)
			throw new Error('set COUCHDB_USER and COUCHDB_PASSWORD to a CouchDB admin');
		const storage = new Storage(cfg.dataDir, true);
		try {
			await installCouchDb({ url, user, password, storage, log: (m) => console.log(m) });
		} finally {
			await storage.closeAll();
		}
		return 0;
	}
	if (command === 'check') return check(cfg.dataDir);
	let storage: Storage;
	try {
		storage = new Storage(cfg.dataDir, true);
		await (await storage.ensure(USERS_DB, defaultSecurity(USERS_DB))).info();
	} catch (err) {
		throw new Error(
			`cannot open ${cfg.dataDir}: is the server running? Stop it first. (${(err as Error).message})`,
			{ cause: err }
		);
	}
	try {
		switch (command) {
			case 'create-user': {
				const name = need(args[0], 'a user name');
				const password = values.password ?? generated();
				const roles = need(values.roles, '--roles')
					.split(',')
					.map((r) => r.trim())
					.filter(Boolean);
				await putUser(
					storage,
					{ name, password, roles, fullName: need(values['full-name'], '--full-name') },
					cfg.pbkdf2Iterations
				);
				console.log(
					`created ${name} (${roles.join(', ')})${values.password ? '' : `\npassword: ${password}`}`
				);
				return 0;
			}
			case 'list-users': {
				const users = (await storage.get(USERS_DB))!;
				const all = await users.allDocs({
					include_docs: true,
					startkey: 'org.couchdb.user:',
					endkey: 'org.couchdb.user:\uffff'
				});
				for (const row of all.rows) {
					const u = row.doc as UserDoc;
					console.log(`${u.name.padEnd(24)} ${(u.fullName ?? '').padEnd(28)} ${u.roles.join(',')}`);
				}
				return 0;
			}
			case 'reset-password': {
				const u = await getUser(storage, need(args[0], 'a user name'));
				const password = values.password ?? generated();
				await putUser(
					storage,
					{ name: u.name, password, roles: u.roles, fullName: u.fullName ?? u.name },
					cfg.pbkdf2Iterations
				);
				console.log(
					`password reset for ${u.name}${values.password ? '' : `\npassword: ${password}`}`
				);
				return 0;
			}
			case 'assign-schools': {
				const u = await getUser(storage, need(args[0], 'a user name'));
				const schools = need(args[1], 'a comma-separated list of school ids')
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean);
				// A school no longer assigned is no longer led either.
				const roles = [
					...u.roles.filter(
						(r) =>
							!r.startsWith('school:') &&
							!(r.startsWith('head:') && !schools.includes(r.slice('head:'.length)))
					),
					...schools.map(schoolRole)
				];
				const users = (await storage.get(USERS_DB))!;
				await users.put({ ...u, roles });
				console.log(`${u.name}: ${roles.join(', ')}`);
				return 0;
			}
			case 'create-school': {
				const id = need(args[0], 'a school id, e.g. oakfield');
				const school = await createSchool(storage, {
					id,
					name: need(values.name, '--name'),
					category: SchoolCategory.parse(values.category),
					...(values.strand ? { strand: Strand.parse(values.strand) } : {}),
					...(values['carter-stage']
						? { carterStage: CarterStage.parse(values['carter-stage']) }
						: {}),
					...(values.urn ? { urn: values.urn } : {}),
					...(values.head ? { headteacher: values.head } : {})
				});
				console.log(`created school ${school.id}: ${school.name} (database school-${school.id})`);
				return 0;
			}
			case 'delete-school': {
				// Deleting for real is the exception (a request under data protection law, say): the
				// school must have been closed in the app first, and the id typed twice.
				const id = need(args[0], 'a school id, e.g. oakfield');
				if (values.confirm !== id) {
					console.error(`to delete ${id} and all its records for good, add --confirm ${id}`);
					return 1;
				}
				const trust = await storage.ensure(TRUST_DB, defaultSecurity(TRUST_DB));
				const doc = (await trust.get(schoolDocId(id)).catch(() => null)) as School | null;
				if (!doc) {
					console.error(`no school ${id} in the trust's registry`);
					return 1;
				}
				if (!doc.closed) {
					console.error(
						`${doc.name} is open: close it in the app first (Schools, Close the school)`
					);
					return 1;
				}
				for (const db of [schoolDbName(id), governorsDbName(id)])
					if (storage.exists(db)) await storage.destroy(db);
				await trust.put({ _id: doc._id, _rev: doc._rev!, _deleted: true });
				storage.notify(TRUST_DB);
				console.log(`deleted school ${id}: ${doc.name} and its records (database school-${id})`);
				return 0;
			}
			case 'seed-demo': {
				const password = values.password ?? generated();
				const accounts = await seedDemo(storage, {
					passwords: () => password,
					iterations: cfg.pbkdf2Iterations,
					includeAdmin: true
				});
				for (const a of accounts) console.log(`${a.name.padEnd(16)} ${a.fullName} - ${a.role}`);
				console.log(`password for all demo accounts: ${password}`);
				return 0;
			}
			case 'backup': {
				const n = await backup(storage, need(args[0], 'a database name'), need(args[1], 'a file'));
				console.log(`backed up ${n} document revisions`);
				return 0;
			}
			case 'restore': {
				const n = await restore(
					storage,
					need(args[0], 'a backup file'),
					need(args[1], 'a database name')
				);
				console.log(`restored ${n} document revisions`);
				return 0;
			}
			default:
				console.error(`unknown command ${command}\n\n${HELP}`);
				return 1;
		}
	} finally {
		await storage.closeAll();
	}
}

/** Whether the data folder can be served: its identity, and each database opened and read. */
async function check(dataDir: string): Promise<number> {
	let failed = 0;
	const identity = identityProblem(dataDir);
	if (identity) {
		failed++;
		console.log(`server identity: CANNOT BE USED\n  ${identity}`);
	} else console.log('server identity: ok');
	const storage = new Storage(dataDir, true);
	try {
		const problems = new Map((await unavailableDatabases(storage)).map((p) => [p.name, p.reason]));
		for (const name of storage.list()) {
			const reason = problems.get(name);
			if (reason === undefined) {
				console.log(`${name}: ok`);
				continue;
			}
			failed++;
			const hint = /lock/i.test(reason)
				? ' (in use by another process: is the server running? Stop it first)'
				: ' (restore it from a backup: see "Admin command line" in sync-server/README.md)';
			console.log(`${name}: CANNOT BE OPENED: ${reason}${hint}`);
		}
	} finally {
		await storage.closeAll();
	}
	if (failed) console.log(`${failed} problem(s) found`);
	return failed ? 1 : 0;
}

function need<T>(v: T | undefined, what: string): T {
	if (v === undefined || v === '') throw new Error(`missing ${what}`);
	return v;
}

async function getUser(storage: Storage, name: string): Promise<UserDoc> {
	const users = (await storage.get(USERS_DB))!;
	try {
		return (await users.get(userDocId(name))) as UserDoc;
	} catch {
		throw new Error(`no user called ${name}`);
	}
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(err: unknown) => {
		console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
		process.exit(1);
	}
);
