/** The templates module's front door: what other code may use. */
export { TEMPLATE_DEFINITIONS } from './template.defaults';
export { renderTemplate, type TemplateValues } from './template.render';
export { checkTemplateText, formatDate, GLOBAL_SCOPE, renderFor, requireDefinition, resetTemplate, type ResolvedTemplate, resolveTemplate, roomValues, saveTemplate } from './template.service';
