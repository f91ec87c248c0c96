// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	/** PUBLIC_COUCH_URL as it was when the app was built (vite.config.ts). */
	const __PUBLIC_COUCH_URL__: string;

	namespace App {
		// interface Error {}
		// interface Locals {}
		// interface PageData {}
		// interface PageState {}
		// interface Platform {}
	}
}

export {};
