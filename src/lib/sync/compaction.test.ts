import { describe, expect, it } from 'vitest';
import { COMPACT_EVERY_MS, CompactionClock } from './compaction';

function memoryStore(): Pick<Storage, 'getItem' | 'setItem'> {
	const m = new Map<string, string>();
	return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

describe('compaction clock', () => {
	const t0 = Date.parse('2026-11-26T08:00:00Z');

	it('compacts a database never compacted, then not again the same day, even after a restart', () => {
		const store = memoryStore();
		const clock = new CompactionClock(store, 'head.oakfield');
		expect(clock.due('school-oakfield', t0)).toBe(true);
		clock.done('school-oakfield', t0);
		expect(clock.due('school-oakfield', t0 + 60_000)).toBe(false);
		// The app closed and opened again: a new clock on the same device storage.
		const again = new CompactionClock(store, 'head.oakfield');
		expect(again.due('school-oakfield', t0 + 3 * 3_600_000)).toBe(false);
		expect(again.due('school-oakfield', t0 + COMPACT_EVERY_MS)).toBe(true);
	});

	it('keeps each database and each person apart', () => {
		const store = memoryStore();
		new CompactionClock(store, 'head.oakfield').done('school-oakfield', t0);
		expect(new CompactionClock(store, 'head.oakfield').due('trust', t0 + 1)).toBe(true);
		expect(new CompactionClock(store, 'sil').due('school-oakfield', t0 + 1)).toBe(true);
	});

	it('remembers in memory when the device refuses storage, and compacts after the clock is set back', () => {
		const refusing: Pick<Storage, 'getItem' | 'setItem'> = {
			getItem: () => {
				throw new Error('SecurityError');
			},
			setItem: () => {
				throw new Error('QuotaExceededError');
			}
		};
		const clock = new CompactionClock(refusing, 'sil');
		clock.done('trust', t0);
		expect(clock.due('trust', t0 + 1)).toBe(false);
		expect(clock.due('trust', t0 - 3_600_000)).toBe(true);
	});
});
