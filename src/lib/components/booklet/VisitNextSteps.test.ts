import '../../../../tests/unit/browser-env';
import { render } from 'svelte/server';
import { afterEach, describe, expect, it } from 'vitest';
import { sil, visit } from '../../../../tests/unit/fixtures';
import { workspace } from '$lib/state/workspace.svelte';
import VisitNextSteps from './VisitNextSteps.svelte';

const shown = (failed: boolean) => {
	workspace.session = { ...sil, token: 't', expires: '2099-01-01T00:00:00.000Z' } as never;
	return render(VisitNextSteps, {
		props: {
			visit: visit({ status: 'draft' }),
			steps: undefined,
			framework: null,
			editable: true,
			failed
		}
	}).body;
};
afterEach(() => {
	workspace.session = null;
});

describe('the next steps of a visit', () => {
	it('say they could not be read, rather than "Loading…" for good', () => {
		const body = shown(true);
		expect(body).toMatch(/role="alert"[^>]*>\s*This device could not read the next steps/);
		expect(body).not.toContain('Loading…');
	});

	it('say they are loading while they are read', () => {
		const body = shown(false);
		expect(body).toContain('Loading…');
		expect(body).not.toContain('could not read the next steps');
	});
});
