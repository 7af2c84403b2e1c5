/** The tips module's front door: what other code may use. */
export { presentTipForTipster } from './tip.presenter';
export { addTipsterMessage, openTip, submitTip, TIP_RECEIPT_MESSAGE, tipsterThread } from './tip.service';
