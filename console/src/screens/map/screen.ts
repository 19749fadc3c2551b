import type { ScreenDescriptor } from '../../router.js';

export const screen: ScreenDescriptor = { path: '/', aliases: ['/map'], title: 'Plume map', nav: 10, load: () => import('./map-screen.js') };
