/** The seed module's front door: what other code may use. */
export { ensureAdmin, seedIfEmpty } from './seed.service';
