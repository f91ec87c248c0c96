import type { ManifestOptions } from 'vite-plugin-pwa';

/** The web app manifest: what Android, iOS and desktop browsers need to install the app. */
export const appManifest: Partial<ManifestOptions> = {
	id: '/',
	name: 'SI visits: school improvement for your trust',
	short_name: 'SI visits',
	description:
		'School improvement visit records, learning walks, next steps and attainment overviews, on any device, with or without a network.',
	lang: 'en-GB',
	dir: 'ltr',
	start_url: '/',
	scope: '/',
	display: 'standalone',
	orientation: 'any',
	background_color: '#ffffff',
	theme_color: '#0b4f6c',
	categories: ['education', 'productivity'],
	icons: [
		{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
		{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
		{ src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
		{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }
	]
};
