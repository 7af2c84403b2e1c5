// recorder-core's codec engines are script files that attach themselves to the core; they export nothing.
declare module 'recorder-core/src/engine/beta-amr';
declare module 'recorder-core/src/engine/beta-amr-engine';
declare module 'recorder-core/src/engine/wav';
