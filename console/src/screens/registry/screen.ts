import type { ScreenDescriptor } from '../../router.js';

export const screen: ScreenDescriptor = { path: '/registry', title: 'Registry', nav: 40, signIn: true, load: () => import('./registry-screen.js') };
