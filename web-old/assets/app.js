// The console's entry point: the views register their pages on import, then the first page is drawn.
import { start } from './core.js';
import './views/public.js';
import './views/applicant.js';
import './views/reviewer.js';
import './views/admin.js';

start();
