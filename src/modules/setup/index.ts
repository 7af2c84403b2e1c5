/** The setup module's front door: what other code may use. */
export { setupChecklist } from './checklist.service';
