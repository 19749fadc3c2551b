import type { ScreenDescriptor } from '../../router.js';

export const screen: ScreenDescriptor = { path: '/sign-in', title: 'Sign in', load: () => import('./sign-in-screen.js') };
