// All data lives on the device: the app is a single-page app with no server rendering.
export const ssr = false;
export const prerender = false;
