/** The faq module's front door: what other code may use. */
export { presentFaq } from './faq.presenter';
export { createFaq, deleteFaq, faqVersion, getFaq, listFaq, loadActiveFaq, seedFaqIfEmpty, updateFaq } from './faq.service';
