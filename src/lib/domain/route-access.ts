import { actsAsSil, canAccessDb, hasRole, isRole, onlyGovernor, type UserCtx } from './roles.ts';
import { schoolDbName } from './databases.ts';

/**
 * Which screens a person may open (issue 16). The screens read the device's read model, which holds
 * the trust's whole registry of schools, so a screen must not rely on the data being absent: the
 * route is checked against the same rules the sync server applies to databases (`canAccessDb`) and
 * writes (`validateDocUpdate`) before anything on it is shown.
 */
export type RouteParams = Partial<Record<string, string>>;

const anyRole = (u: UserCtx) => u.roles.some(isRole);
const ceoOrAdmin = (u: UserCtx) => hasRole(u, 'ceo') || hasRole(u, 'admin');

/**
 * Screens open to every signed-in person of the trust. A route named neither here nor by a rule
 * below is closed to everyone: a new screen is added here, or under `/schools/[id]`, `/admin` or the
 * CEO's group, before anyone can open it (a test lists every route the app has).
 */
export const OPEN_ROUTES: ReadonlySet<string> = new Set([
	'/',
	'/choices',
	'/copies/[id]',
	'/settings',
	'/sync',
	'/next-steps/[id]',
	'/visits/[id]',
	'/visits/[id]/print',
	'/visits/[id]/walk'
]);

/**
 * The screens of a chair of governors (`onlyGovernor`): their home lists the copies sent to them,
 * and a copy opens on its own. Every other screen reads records a governor never holds.
 */
export const GOVERNOR_ROUTES: ReadonlySet<string> = new Set([
	'/',
	'/copies/[id]',
	'/settings',
	'/sync'
]);

/** Whether the person may see records of this school (the school's database). */
export function mayOpenSchool(user: UserCtx | null, schoolId: string | undefined): boolean {
	return !!user && !!schoolId && canAccessDb(user, schoolDbName(schoolId));
}

/**
 * Whether `user` may open the route `routeId` (SvelteKit's route id, groups included) with these
 * parameters. Routes of a single record (`/visits/[id]`, `/next-steps/[id]`) name no school: they
 * pass here on the role alone, and the screen checks the record's school with `mayOpenSchool` once
 * it has read it.
 */
export function mayOpenRoute(
	user: UserCtx | null,
	routeId: string | null,
	params: RouteParams = {}
): boolean {
	// No route matched: SvelteKit's own "not found" page, which shows nothing of the trust's.
	if (routeId === null) return true;
	if (routeId === '/sign-in') return true;
	if (!user || user.name === null) return false;
	if (onlyGovernor(user)) return GOVERNOR_ROUTES.has(routeId);
	// The (ceo) group holds the trust-wide screens: the dashboard and the board pack.
	if (routeId.startsWith('/(ceo)')) return ceoOrAdmin(user);
	const path = routeId.replace(/\/\([^)]+\)/g, '');
	if (path === '/admin' || path.startsWith('/admin/')) return hasRole(user, 'admin');
	if (path === '/schools/[id]/plan') {
		// Only a school improvement lead records visits (validateVisit), for their own schools, and
		// never at a school they lead as its head.
		return actsAsSil(user, params.id) && mayOpenSchool(user, params.id);
	}
	if (path.startsWith('/schools/[id]')) return mayOpenSchool(user, params.id);
	if (OPEN_ROUTES.has(path)) return anyRole(user);
	return false;
}
