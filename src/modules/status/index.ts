/** Residents' status look-up by booking number, item code or tip code (+ secret). */
export { lookUpStatus } from './status.service';
