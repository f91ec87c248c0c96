import type { LogLevel } from './config.ts';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type Fields = Record<string, unknown>;

/** One JSON object per line on stdout: easy to grep, easy for a log shipper. */
export interface Logger {
	debug(msg: string, fields?: Fields): void;
	info(msg: string, fields?: Fields): void;
	warn(msg: string, fields?: Fields): void;
	error(msg: string, fields?: Fields): void;
	child(fields: Fields): Logger;
}

export function createLogger(level: LogLevel, base: Fields = {}): Logger {
	const min = ORDER[level];
	const write = (lvl: LogLevel, msg: string, fields?: Fields) => {
		if (ORDER[lvl] < min) return;
		const line = { time: new Date().toISOString(), level: lvl, msg, ...base, ...fields };
		process.stdout.write(JSON.stringify(line, errorReplacer) + '\n');
	};
	return {
		debug: (m, f) => write('debug', m, f),
		info: (m, f) => write('info', m, f),
		warn: (m, f) => write('warn', m, f),
		error: (m, f) => write('error', m, f),
		child: (fields) => createLogger(level, { ...base, ...fields })
	};
}

function errorReplacer(_key: string, value: unknown): unknown {
	if (value instanceof Error)
		return { name: value.name, message: value.message, stack: value.stack };
	return value;
}
