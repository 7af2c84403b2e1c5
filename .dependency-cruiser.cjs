/**
 * The parts of the service and the arrows allowed between them (README "Architecture"; run by
 * `npm run depcruise`, in CI before the tests). Arrows point down only:
 *
 *   entry points (src/main.ts, bots/*)
 *     → src/http (the HTTP edge) and src/channels (how people reach us)
 *       → src/modules/<domain> (the business; src/jobs call modules, never the reverse)
 *         → src/storage
 *   below everything: src/lib, src/config, src/logging, src/understanding, src/ai
 *
 * Type-only imports count too (tsPreCompilationDeps): knowing another part's types is knowing the part.
 */
const LOWER = '^src/(lib|storage|understanding|config|logging)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes both files one part in disguise: split out what both need, or let one of them own it.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'modules-not-to-http',
      severity: 'error',
      comment: 'Business code knows nothing of Koa or HTTP: throw the errors of src/lib/errors.ts; routers live in src/http/routes.',
      from: { path: '^src/modules/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'modules-not-to-channels',
      severity: 'error',
      comment: 'The conversation core owns its message types; channels convert to and from them and call the core, never the other way.',
      from: { path: '^src/modules/' },
      to: { path: '^src/channels/' },
    },
    {
      name: 'no-model-across-modules',
      severity: 'error',
      comment: "Another module's documents are read through that module's index.ts (its front door), never through its model file.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/.+[.]model[.]ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'module-front-door',
      severity: 'error',
      comment: "Other code enters a module only through its index.ts: what the module offers is listed there, the rest may change. (Scripts and tests may measure and seed internals.)",
      from: { pathNot: '^(src/modules/|scripts/|test/)' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index[.]ts$' },
    },
    {
      name: 'module-front-door-between-modules',
      severity: 'error',
      comment: "A module enters another module only through that module's index.ts.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/($1/|[^/]+/index[.]ts$)' },
    },
    {
      name: 'lower-layers-not-to-modules',
      severity: 'error',
      comment: 'lib, storage, understanding, config and logging are used by everyone and use no module (nor the edges above them).',
      from: { path: LOWER },
      to: { path: '^src/(modules|http|channels|jobs)/|^bots/' },
    },
    {
      name: 'ai-not-to-modules',
      severity: 'error',
      comment: 'src/ai answers with a language model from what it is given; it reads no module itself.',
      from: { path: '^src/ai/' },
      to: { path: '^src/(modules|http|channels|jobs)/|^bots/' },
    },
    {
      name: 'modules-not-to-jobs',
      severity: 'error',
      comment: 'Jobs call modules, never the other way: what a module needs from a job belongs in a module (e.g. notices).',
      from: { path: '^src/modules/' },
      to: { path: '^src/jobs/' },
    },
    {
      name: 'only-ai-imports-openai',
      severity: 'error',
      comment: 'The language model is reached only through src/ai (masking, timeouts and the fallback live there).',
      from: { pathNot: '^src/ai/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'], path: '^node_modules/openai/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/web/public/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
