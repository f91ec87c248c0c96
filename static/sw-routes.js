// Imported by the service worker (workbox `importScripts`, vite.config.ts). The app's
// content-hashed files are answered straight from the cache the worker filled when it installed,
// without a fetch event: on a cold start the browser need not wait for the worker's JavaScript to
// run for each of them (issue 17). This is the service worker's static routing (Chromium 123 and
// later); elsewhere, or if the routes are refused, the worker's own fetch handler answers them as
// before, from the same cache. A file missing from the cache goes to the network.
self.addEventListener('install', (event) => {
	if (typeof event.addRoutes !== 'function') return;
	event.waitUntil(
		event
			.addRoutes([
				{
					condition: { requestMethod: 'GET', urlPattern: { pathname: '/_app/immutable/*' } },
					source: 'cache'
				}
			])
			.catch((err) => console.warn('Static routes refused', err))
	);
});
