import type { ScreenDescriptor } from '../../router.js';

export const screen: ScreenDescriptor = { path: '/emissions', title: 'Emissions', nav: 20, signIn: true, load: () => import('./emissions-screen.js') };
