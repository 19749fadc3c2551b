import type { ScreenDescriptor } from '../../router.js';

export const screen: ScreenDescriptor = { path: '/facilities', title: 'Facilities', nav: 30, signIn: true, load: () => import('./facilities-screen.js') };
