import '../../../../tests/unit/browser-env';
import { render } from 'svelte/server';
import { afterEach, describe, expect, it } from 'vitest';
import { head, visit } from '../../../../tests/unit/fixtures';
import { workspace } from '$lib/state/workspace.svelte';
import VisitActions from './VisitActions.svelte';

const shown = (stepsFailed: boolean) => {
	workspace.session = { ...head, token: 't', expires: '2099-01-01T00:00:00.000Z' } as never;
	return render(VisitActions, {
		props: { visit: visit({ status: 'shared' }), steps: undefined, stepsFailed }
	}).body;
};
afterEach(() => {
	workspace.session = null;
});

describe('the head confirming a record', () => {
	it('is told why "Confirm" waits when the next steps could not be read', () => {
		const body = shown(true);
		expect(body).toContain('Confirm the record');
		expect(body).toMatch(/role="alert"[^>]*>[^<]*could not read the next steps/);
		expect(body).toContain('Nothing you have typed is lost. Reloading the page may help.');
		expect(body).toContain('aria-describedby="steps-failed"');
	});

	it('is not told of a failure while the steps are only being read', () => {
		expect(shown(false)).not.toContain('could not read the next steps');
	});
});
