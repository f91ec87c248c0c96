/**
 * A name for this device that people recognise when two versions of a record are shown side by
 * side (issue 12): "Chromium on Linux, signed in 25 Nov". It is fixed when the person signs in on
 * the device and kept until they sign out, so every edit from the device carries the same name.
 */

import { formatDayMonth } from '$lib/format';

const key = (user: string) => `si:device:${user}`;

interface BrandData {
	brands?: { brand: string }[];
}

/** The browser, in the words its maker uses. */
export function browserName(ua: string, data?: BrandData): string {
	const brands = (data?.brands ?? []).map((b) => b.brand);
	if (/Edg(e|A|iOS)?\//.test(ua)) return 'Edge';
	if (/OPR\/|Opera/.test(ua)) return 'Opera';
	if (/SamsungBrowser\//.test(ua)) return 'Samsung Internet';
	if (/Firefox\/|FxiOS\//.test(ua)) return 'Firefox';
	if (brands.includes('Google Chrome') || /CriOS\//.test(ua)) return 'Chrome';
	if (brands.includes('Chromium') || /Chromium\//.test(ua)) return 'Chromium';
	if (/Chrome\//.test(ua)) return 'Chrome';
	if (/Safari\//.test(ua)) return 'Safari';
	return 'A browser';
}

/** The operating system, as people call it. */
export function systemName(ua: string): string {
	if (/iPad/.test(ua)) return 'iPad';
	if (/iPhone|iPod/.test(ua)) return 'iPhone';
	if (/Android/.test(ua)) return 'Android';
	if (/CrOS/.test(ua)) return 'ChromeOS';
	if (/Windows/.test(ua)) return 'Windows';
	if (/Macintosh|Mac OS X/.test(ua)) return 'macOS';
	if (/Linux|X11/.test(ua)) return 'Linux';
	return 'this device';
}

/** "Chromium on Linux, signed in 25 Nov". */
export function describeDevice(ua: string, signedInAt: Date, data?: BrandData): string {
	return `${browserName(ua, data)} on ${systemName(ua)}, signed in ${formatDayMonth(
		signedInAt.toISOString()
	)}`;
}

/**
 * This device's name for `user`: made on first use after signing in (from the sign-in time when
 * given) and kept in localStorage, which signing out clears (every `si:…:<user>` key).
 */
export function deviceName(user: string, signedInAt?: string): string {
	const stored = globalThis.localStorage?.getItem(key(user));
	if (stored) return stored;
	const nav = globalThis.navigator as (Navigator & { userAgentData?: BrandData }) | undefined;
	const at = signedInAt ? new Date(signedInAt) : new Date();
	const name = describeDevice(
		nav?.userAgent ?? '',
		Number.isNaN(at.getTime()) ? new Date() : at,
		nav?.userAgentData
	).slice(0, 200);
	globalThis.localStorage?.setItem(key(user), name);
	return name;
}
