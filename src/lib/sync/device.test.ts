import { describe, expect, it } from 'vitest';
import { describeDevice } from './device';

const at = new Date('2026-11-25T18:20:00Z');

describe('the name of a device, as people see it beside an edit', () => {
	it('names the browser and the system, and the day of signing in in en-GB', () => {
		const chromium =
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
		expect(describeDevice(chromium, at, { brands: [{ brand: 'Chromium' }] })).toBe(
			'Chromium on Linux, signed in 25 Nov'
		);
		const ipad =
			'Mozilla/5.0 (iPad; CPU OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
		expect(describeDevice(ipad, at)).toBe('Safari on iPad, signed in 25 Nov');
		const edge =
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
		expect(describeDevice(edge, at)).toBe('Edge on Windows, signed in 25 Nov');
		const android = 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0';
		expect(describeDevice(android, at)).toBe('Firefox on Android, signed in 25 Nov');
		// 00:30 on 2 June in England, in summer time: the day in England, whatever the device's zone.
		expect(describeDevice(android, new Date('2026-06-01T23:30:00Z'))).toBe(
			'Firefox on Android, signed in 2 Jun'
		);
	});
});
