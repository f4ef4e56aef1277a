// `npm run build` step: makes the embedded database's template if it is missing (see server/db/embedded.ts),
// so that the first start of the hub on a fresh machine does not wait for PGlite's initdb.
import { ensureTemplate } from '../server/db/embedded.js';

const file = await ensureTemplate();
console.log(`embedded database template: ${file}`);
