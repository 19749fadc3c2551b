import { render } from 'preact';
import { App } from './app.js';
import { screenFor } from './router.js';
import { screen as mapScreen } from './screens/map/screen.js';
import { preloadMap } from './screens/map/preload.js';
import './styles.css';

// The map is the first view of most visits: its code and style start loading before the first render.
if (screenFor(location.pathname.replace(/\/+$/, '') || '/') === mapScreen) preloadMap();

render(<App />, document.getElementById('app')!);
