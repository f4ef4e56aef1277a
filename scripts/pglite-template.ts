// `npm run build` step: makes the embedded database's template if it is missing (see server/db/embedded.ts),
// so that the first start of the hub on a fresh machine does not wait for PGlite's initdb.
import { ensureTemplate } from '../server/db/embedded.js';

try {
  console.log(`embedded database template: ${await ensureTemplate()}`);
} catch (err) {
  // Only a faster first start is lost: the hub makes a fresh database with initdb instead.
  console.warn(`embedded database template not made (${err instanceof Error ? err.message : String(err)}): a fresh start will run initdb`);
}
