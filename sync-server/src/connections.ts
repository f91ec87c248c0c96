import type http from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';

const REFUSAL_BODY = JSON.stringify({
	error: 'service_unavailable',
	reason: 'Too many connections are open to this server. Try again in a moment.'
});
const REFUSAL = [
	'HTTP/1.1 503 Service Unavailable',
	'Content-Type: application/json',
	`Content-Length: ${Buffer.byteLength(REFUSAL_BODY) + 1}`,
	'Retry-After: 5',
	'Connection: close',
	'',
	REFUSAL_BODY + '\n'
].join('\r\n');

/**
 * Timeouts and connection caps: a client that opens connections and feeds them a byte at a time
 * (slowloris) is cut off when its headers or its whole request take too long, one address holds
 * at most `maxConnectionsPerAddress` connections and the server at most `maxConnections`. A
 * connection over a cap is answered 503 with `Retry-After` at once and closed, without reading it.
 *
 * Behind a reverse proxy (`TRUST_PROXY`) every connection comes from the proxy, so only the total
 * cap applies and the per-address limit is the proxy's to set.
 */
export function limitConnections(server: http.Server, cfg: Config, log: Logger): void {
	server.headersTimeout = cfg.headersTimeout * 1000;
	server.requestTimeout = cfg.requestTimeout * 1000;
	server.keepAliveTimeout = cfg.keepAliveTimeout * 1000;
	const perAddress = new Map<string, number>();
	let total = 0;
	const warned = new Map<string, number>();
	const warn = (what: string, address: string) => {
		// One line a minute per address is enough to see an attack without flooding the log.
		const now = Date.now();
		if ((warned.get(address) ?? 0) > now - 60_000) return;
		if (warned.size > 10_000) warned.clear();
		warned.set(address, now);
		log.warn(`connection refused: ${what}`, { address, open: total });
	};
	const admit = (socket: Socket): boolean => {
		const address = cfg.trustProxy ? '' : (socket.remoteAddress ?? 'unknown');
		const mine = perAddress.get(address) ?? 0;
		const overTotal = total >= cfg.maxConnections;
		if (overTotal || (!cfg.trustProxy && mine >= cfg.maxConnectionsPerAddress)) {
			warn(overTotal ? 'the server is at MAX_CONNECTIONS' : 'MAX_CONNECTIONS_PER_ADDRESS', address);
			socket.on('error', () => undefined);
			socket.resume(); // discard what the client sends, so closing does not reset the 503
			socket.end(REFUSAL);
			setTimeout(() => socket.destroy(), 1000).unref();
			return false;
		}
		total++;
		perAddress.set(address, mine + 1);
		socket.once('close', () => {
			total--;
			const left = (perAddress.get(address) ?? 1) - 1;
			if (left > 0) perAddress.set(address, left);
			else perAddress.delete(address);
		});
		return true;
	};
	// A refused connection must never reach the HTTP parser (or it would be read and answered as
	// usual), and 'connection' listeners cannot stop the server's own: so admission sits in `emit`.
	const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
	server.emit = ((event: string | symbol, ...args: unknown[]) => {
		if (event === 'connection' && !admit(args[0] as Socket)) return false;
		return emit(event, ...args);
	}) as typeof server.emit;
}
