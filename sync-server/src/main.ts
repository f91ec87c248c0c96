import { start } from './app.ts';
import { loadConfig } from './config.ts';
import { health } from './health.ts';
import { createLogger } from './log.ts';
import { seedDemoIfNew, printDemoBlock, type DemoAccount } from './seed.ts';

/** `node sync-server/src/main.ts [--demo]`: one process, one port, the API and the app. */
async function main(): Promise<void> {
	const cfg = loadConfig(process.env, process.argv.slice(2));
	const log = createLogger(cfg.logLevel);
	let demo: DemoAccount[] | null = null;
	const running = await start(cfg, log, async (app) => {
		if (cfg.demo) demo = await seedDemoIfNew(app, log);
	});
	log.info('listening', {
		url: running.url,
		api: `${running.url}/couchdb/`,
		dataDir: cfg.dataDir,
		staticDir: cfg.staticDir
	});
	if (demo) printDemoBlock(running.url, demo);
	// Each database that cannot be opened is logged as an error now, not at its first request.
	void health(running.app).check(0);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		log.info('shutting down', { signal });
		running.close().then(
			() => {
				log.info('stopped');
				process.exit(0);
			},
			(err: unknown) => {
				log.error('shutdown failed', { err });
				process.exit(1);
			}
		);
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
	process.stderr.write(
		`sync-server failed to start: ${err instanceof Error ? err.message : String(err)}\n`
	);
	process.exit(1);
});
